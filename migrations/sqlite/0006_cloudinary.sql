-- Cloudinary as an image host, per Ozon account: the cloud name and folder of public ids.
CREATE TABLE cloudinary_settings (
    credential_id INTEGER PRIMARY KEY REFERENCES ozon_credentials (id) ON DELETE CASCADE,
    cloud_name    TEXT    NOT NULL,
    folder        TEXT    NOT NULL DEFAULT '',
    updated_by    TEXT    NOT NULL,
    updated_at    INTEGER NOT NULL
);

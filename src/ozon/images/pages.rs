//! The 图片下载 page.

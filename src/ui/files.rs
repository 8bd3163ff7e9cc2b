//! Files chosen in an `<input type="file">`, read in the browser (hydrate only).

/// The files the input of this `change` event holds, in order.
#[cfg(feature = "hydrate")]
pub fn chosen_files(ev: &leptos::ev::Event) -> Vec<web_sys::File> {
    use wasm_bindgen::JsCast;
    let Some(list) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .and_then(|input| input.files())
    else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// The bytes of `file`, or `None` when the browser cannot read it.
#[cfg(feature = "hydrate")]
pub async fn file_bytes(file: &web_sys::File) -> Option<Vec<u8>> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

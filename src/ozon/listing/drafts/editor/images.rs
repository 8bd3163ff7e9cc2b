//! The draft editor's image list: upload (content-hash keys), URLs, Cloudinary public ids,
//! drag-to-reorder, and what each picture is (format, pixels, 3:4, size).

use std::collections::HashMap;

use leptos::prelude::*;

use super::problems_for;
use crate::ozon::listing::drafts::api::{cloudinary_settings, picture_info, upload_image};
use crate::ozon::listing::drafts::cloudinary::retransform;
use crate::ozon::listing::drafts::picture::PictureInfo;
use crate::ozon::listing::{Draft, Problem};
use crate::ui::components::{Notice, INPUT_CLASS, SMALL_BUTTON_CLASS};
use crate::ui::text;

#[component]
pub(super) fn ImageList(
    credential: RwSignal<i64>,
    draft: RwSignal<Draft>,
    problems: RwSignal<Vec<Problem>>,
) -> impl IntoView {
    let new_url = RwSignal::new(String::new());
    let upload_note = RwSignal::new(None::<Result<String, String>>);
    let dragging = RwSignal::new(None::<usize>);
    // What each picture is; `None` while it is being checked.
    let infos = RwSignal::new(HashMap::<String, Option<Result<PictureInfo, String>>>::new());
    Effect::new(move |_| {
        for url in draft.with(|d| d.images.clone()) {
            if infos.with_untracked(|m| m.contains_key(&url)) {
                continue;
            }
            infos.update(|m| {
                m.insert(url.clone(), None);
            });
            leptos::task::spawn_local(async move {
                let result = picture_info(url.clone()).await.map_err(|e| e.to_string());
                infos.update(|m| {
                    m.insert(url, Some(result));
                });
            });
        }
    });
    // Moving an image also gives a Cloudinary image the transformation of its new place.
    let move_image = move |from: usize, to: usize| {
        draft.update(|d| {
            if from < d.images.len() && to < d.images.len() && from != to {
                let url = d.images.remove(from);
                d.images.insert(to, url);
                retransform(&mut d.images);
            }
        })
    };
    let cloud = Resource::new(
        move || credential.get(),
        |id| async move {
            if id > 0 {
                cloudinary_settings(id).await.ok().flatten()
            } else {
                None
            }
        },
    );
    let public_ids = RwSignal::new(String::new());
    let on_file = move |ev: leptos::ev::Event| upload_files(ev, draft, upload_note);
    view! {
        <h2 class="mb-3 text-base font-semibold text-slate-900">{text::LST_IMAGES}</h2>
        <p class="mb-2 text-xs text-slate-500">"可拖动排序，第一张为主图。每张图片显示格式、像素、比例和大小。"</p>
        {problems_for(problems, "images".into())}
        <ol class="space-y-2" data-testid="image-list">
            {move || draft.with(|d| d.images.clone()).into_iter().enumerate().map(|(i, url)| {
                let info_url = url.clone();
                view! {
                <li class=move || format!("flex items-start gap-2 rounded p-1 text-sm {}", if dragging.get() == Some(i) { "bg-indigo-50" } else { "" })
                    data-testid="image-item" draggable="true"
                    on:dragstart=move |ev: leptos::ev::DragEvent| {
                        #[cfg(feature = "hydrate")]
                        if let Some(dt) = ev.data_transfer() { let _ = dt.set_data("text/plain", &i.to_string()); }
                        #[cfg(not(feature = "hydrate"))]
                        let _ = ev;
                        dragging.set(Some(i));
                    }
                    on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
                    on:drop=move |ev: leptos::ev::DragEvent| {
                        ev.prevent_default();
                        if let Some(from) = dragging.get_untracked() { move_image(from, i); }
                        dragging.set(None);
                    }
                    on:dragend=move |_| dragging.set(None)>
                    <span class="cursor-move select-none px-1 text-slate-400" title="拖动排序">"⠿"</span>
                    <img src=url.clone() class="h-14 w-14 rounded border border-slate-200 object-contain" alt=""/>
                    <span class="w-12 text-slate-500">{if i == 0 { "主图".to_string() } else { format!("#{}", i + 1) }}</span>
                    <div class="min-w-0 flex-1">
                        <div class="truncate font-mono text-xs" data-testid="image-url">{url.clone()}</div>
                        <div data-testid="image-info">
                            {move || infos.with(|m| match m.get(&info_url) {
                                Some(Some(Ok(info))) => view! {
                                    <span class="text-xs text-slate-600">{info.summary()}</span>
                                    {info.notes.iter().map(|n| view! { <p class="text-xs text-amber-700" data-testid="image-note">{n.clone()}</p> }).collect_view()}
                                }.into_any(),
                                Some(Some(Err(e))) => view! { <span class="text-xs text-red-700">{e.clone()}</span> }.into_any(),
                                _ => view! { <span class="text-xs text-slate-400">"检查中…"</span> }.into_any(),
                            })}
                        </div>
                        {problems_for(problems, format!("images.{}", i + 1))}
                    </div>
                    <button class=SMALL_BUTTON_CLASS data-testid="image-up" disabled=i == 0 on:click=move |_| move_image(i, i.saturating_sub(1))>"上移"</button>
                    <button class=SMALL_BUTTON_CLASS on:click=move |_| move_image(i, i + 1)>"下移"</button>
                    <button class=SMALL_BUTTON_CLASS on:click=move |_| draft.update(|d| { if i < d.images.len() { d.images.remove(i); retransform(&mut d.images); } })>"删除"</button>
                </li>
            }}).collect_view()}
        </ol>
        <div class="mt-3 flex gap-2">
            <input class=INPUT_CLASS placeholder="https://… 图片地址（可用图片下载的结果）" prop:value=move || new_url.get() on:input=move |ev| new_url.set(event_target_value(&ev))/>
            <button class=SMALL_BUTTON_CLASS on:click=move |_| {
                let url = new_url.get_untracked().trim().to_string();
                if !url.is_empty() { draft.update(|d| d.images.push(url)); new_url.set(String::new()); }
            }>"添加"</button>
        </div>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                cloud.await.map(|settings| {
                    let shown = format!("Cloudinary（{}）public_id，每行一个", settings.cloud_name);
                    view! {
                        <div class="mt-3 flex gap-2" data-testid="cloudinary-add">
                            <textarea class=INPUT_CLASS rows="2" placeholder=shown prop:value=move || public_ids.get() on:input=move |ev| public_ids.set(event_target_value(&ev))></textarea>
                            <button class=SMALL_BUTTON_CLASS on:click=move |_| {
                                let mut added = 0;
                                for id in public_ids.get_untracked().lines().map(str::trim).filter(|l| !l.is_empty()) {
                                    let main = draft.with_untracked(|d| d.images.is_empty());
                                    match settings.url(id, main) {
                                        Ok(url) => { draft.update(|d| d.images.push(url)); added += 1; }
                                        Err(m) => { upload_note.set(Some(Err(m))); return; }
                                    }
                                }
                                public_ids.set(String::new());
                                upload_note.set(Some(Ok(format!("已添加 {added} 张 Cloudinary 图片"))));
                            }>"从 Cloudinary 添加"</button>
                        </div>
                    }
                })
            })}
        </Transition>
        <label class="mt-3 block text-sm text-slate-700">"上传图片（可多选，每张 ≤ 10 MB）"
            <input type="file" multiple accept="image/*" class="mt-1 block text-sm" data-testid="image-upload" on:change=on_file/>
        </label>
        {move || upload_note.get().map(|n| match n {
            Ok(m) => view! { <Notice message=m/> }.into_any(),
            Err(m) => view! { <Notice message=m error=true/> }.into_any(),
        })}
    }
}

fn upload_files(
    ev: leptos::ev::Event,
    draft: RwSignal<Draft>,
    note: RwSignal<Option<Result<String, String>>>,
) {
    #[cfg(feature = "hydrate")]
    {
        let files = crate::ui::files::chosen_files(&ev);
        leptos::task::spawn_local(async move {
            let mut added = 0;
            for file in files {
                let Some(bytes) = crate::ui::files::file_bytes(&file).await else {
                    continue;
                };
                match upload_image(crate::ozon::images::to_base64(&bytes)).await {
                    Ok(url) => {
                        draft.update(|d| d.images.push(url));
                        added += 1;
                    }
                    Err(err) => {
                        note.set(Some(Err(format!("{}：{err}", file.name()))));
                        return;
                    }
                }
            }
            note.set(Some(Ok(format!("已上传 {added} 张图片"))));
        });
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (ev, draft, note, upload_image);
    }
}

//! Media step: every picture must be public and live (a HEAD through the SSRF guard). For a card
//! that already exists, a changed picture set goes to `/v2/product/pictures/import` whole and in
//! order (Ozon replaces the set — the PRD's UAT-003), then price and stock changes follow.

use super::listing::{Failure, Listing};
use super::queue::{self, Job, Queue};
use super::receipts;
use super::state::{State, Step};
use super::store::{self, Product};
use crate::ozon::client::products::{PicturesImportItem, PicturesImportRequest};
use crate::ozon::listing::{drafts, Draft, DraftMode};

/// Products whose pictures are checked at the same time.
const CONCURRENT: usize = 16;

/// How far the media step runs ahead of the import step: pictures checked while the import
/// queue already holds this many due jobs would only wait there, and checking them takes the
/// database and the CPU from the steps behind (which feed the stock writes, the slowest pace).
const AHEAD: i64 = 3 * Queue::Import.batch();

pub async fn run(l: &Listing, now: i64) -> sqlx::Result<bool> {
    use futures_util::stream::{self, StreamExt};
    if queue::due_count(l.pool(), Queue::Import, now).await? >= AHEAD {
        return Ok(false);
    }
    let jobs = queue::claim_batch(l.pool(), Queue::Media, now, Queue::Media.batch()).await?;
    if jobs.is_empty() {
        return Ok(false);
    }
    let checked: Vec<(Job, Result<(), Failure>)> = stream::iter(jobs)
        .map(|job| async move {
            let result = one(l, &job, now).await;
            (job, result)
        })
        .buffer_unordered(CONCURRENT)
        .collect()
        .await;
    for (job, result) in checked {
        match result {
            Ok(()) => queue::finish(l.pool(), job.id).await?,
            Err(failure) => l.fail(&job, Step::Media, failure).await?,
        }
    }
    Ok(true)
}

/// The product and its draft, or why the job cannot go on.
pub async fn load(l: &Listing, offer_id: &str) -> Result<(Product, Draft), Failure> {
    let product = store::product(l.pool(), offer_id)
        .await?
        .ok_or_else(|| Failure::Permanent("商品不在上架流程中".into()))?;
    let draft = drafts::store::find(l.pool(), offer_id)
        .await?
        .ok_or_else(|| Failure::Permanent("草稿已被删除".into()))?
        .draft;
    Ok((product, draft))
}

async fn one(l: &Listing, job: &Job, now: i64) -> Result<(), Failure> {
    let (product, draft) = load(l, &job.offer_id).await?;
    // A copied card (跟卖 by SKU) brings Ozon's pictures; ours are not sent.
    if draft.mode != DraftMode::FollowSku {
        check_live(l, &draft, now).await?;
    }
    match product.state() {
        State::Draft => {
            if l.advance(&job.offer_id, State::MediaReady, "图片均可访问")
                .await?
            {
                queue::enqueue(l.pool(), Queue::Import, &job.offer_id, now).await?;
            }
            Ok(())
        }
        State::Created | State::Priced | State::ReadyForSale | State::Live => {
            update(l, &product, &draft, now).await
        }
        _ => Ok(()),
    }
}

/// HEADs every picture and keeps a receipt per picture.
async fn check_live(l: &Listing, draft: &Draft, now: i64) -> Result<(), Failure> {
    if draft.images.is_empty() {
        return Err(Failure::Permanent(
            "草稿没有图片，Ozon 至少需要 1 张".into(),
        ));
    }
    let problems = drafts::service::check_images(l.fetcher(), &draft.images).await;
    for (i, url) in draft.images.iter().enumerate() {
        let field = format!("images.{}", i + 1);
        let problem = problems.iter().find(|p| p.field == field);
        let (state, reason) = match problem {
            Some(p) => ("failed", Some(p.message.as_str())),
            None => ("live", None),
        };
        receipts::media(l.pool(), &draft.offer_id, url, state, reason, now).await?;
    }
    if problems.is_empty() {
        return Ok(());
    }
    let why: Vec<String> = problems
        .iter()
        .map(|p| {
            let n = p.field.trim_start_matches("images.");
            format!("第 {n} 张图片：{}", p.message)
        })
        .collect();
    Err(Failure::Permanent(why.join("；")))
}

/// A card that exists: re-import a changed picture set whole, then let the commercial queue
/// send a changed price and the stock writes.
async fn update(l: &Listing, product: &Product, draft: &Draft, now: i64) -> Result<(), Failure> {
    let pool = l.pool();
    if draft.mode != DraftMode::FollowSku && draft.images != product.sent_images()? {
        let creds = l.credentials(product.credential_id).await?;
        let item = PicturesImportItem {
            offer_id: draft.offer_id.clone(),
            primary_image: draft.images.first().cloned().unwrap_or_default(),
            color_image: String::new(),
            images: draft.images.iter().skip(1).cloned().collect(),
        };
        let request = PicturesImportRequest { items: vec![item] };
        let answer = l.ozon().pictures_import(&creds, &request).await?;
        let reason = answer.task_id.map(|id| format!("整组替换，Ozon 任务 {id}"));
        for url in &draft.images {
            receipts::media(
                pool,
                &draft.offer_id,
                url,
                "import_sent",
                reason.as_deref(),
                now,
            )
            .await?;
        }
        store::set_images(pool, &draft.offer_id, &draft.images).await?;
    }
    queue::enqueue(pool, Queue::Commercial, &draft.offer_id, now).await?;
    if product.state() != State::Created {
        super::stocks::queue_draft(l, draft, now).await?;
    }
    Ok(())
}

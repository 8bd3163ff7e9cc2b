//! The page's door to the pipeline: every run is a task row; progress is kept in a watch
//! channel that the page follows over SSE, and saved to the database every second while it runs.

use crate::common::ids::{Article, UserId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::AnyPool;
use tokio::sync::watch;

use super::pipeline::{DownloadRequest, Pipeline, Planned, Progress};
use super::store::{self, NewTask};
use super::validate;
use super::{ImageOutcome, ItemReport, LookupField, ProcessOptions, TaskStatus, TaskView};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::ozon::client::OzonCredentials;
use crate::vault::seal::Sealer;
use crate::vault::service::open_credential;

/// Why a task could not be started, resumed or shown.
#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    /// The articles, the options or the credential choice were refused.
    #[error("{0}")]
    Invalid(String),
    #[error("任务不存在")]
    NotFound,
    #[error("任务正在进行中")]
    Running,
    #[error("没有需要重试的图片")]
    NothingMissing,
    #[error("该任务使用的 Ozon 凭证已删除，请新建任务")]
    CredentialGone,
    /// The vault's answer (a missing credential, or one that does not open).
    #[error("{0}")]
    Vault(AppError),
    #[error("数据库错误")]
    Db(#[from] sqlx::Error),
}

impl From<TaskError> for AppError {
    fn from(err: TaskError) -> Self {
        match err {
            TaskError::Vault(e) => e,
            TaskError::Db(e) => e.into(),
            other => AppError::Invalid(other.to_string()),
        }
    }
}

/// The image download tasks of the 图片下载 page: started on a stored credential, run by the
/// shared pipeline in this process, watched live, kept in the task history.
#[derive(Clone, Debug)]
pub struct ImageTasks {
    pool: AnyPool,
    sealer: Sealer,
    pipeline: Pipeline,
    /// Live tasks of this process: id → the latest view.
    live: Arc<Mutex<HashMap<i64, watch::Receiver<TaskView>>>>,
}

impl ImageTasks {
    pub fn new(pool: AnyPool, sealer: Sealer, pipeline: Pipeline) -> Self {
        ImageTasks {
            pool,
            sealer,
            pipeline,
            live: Arc::default(),
        }
    }

    /// The live view of task `id`, while it runs in this process.
    pub fn subscribe(&self, id: i64) -> Option<watch::Receiver<TaskView>> {
        self.live.lock().ok()?.get(&id).cloned()
    }

    fn insert(&self, id: i64, rx: watch::Receiver<TaskView>) {
        if let Ok(mut live) = self.live.lock() {
            live.insert(id, rx);
        }
    }

    /// Forgets task `id` if `mine` is still its channel (a retry may have replaced it).
    fn remove_if_same(&self, id: i64, mine: &watch::Receiver<TaskView>) {
        if let Ok(mut live) = self.live.lock() {
            if live.get(&id).is_some_and(|rx| rx.same_channel(mine)) {
                live.remove(&id);
            }
        }
    }

    /// Starts a task on a stored credential; returns its id at once.
    pub async fn start(
        &self,
        user: &CurrentUser,
        credential_id: i64,
        articles_text: &str,
        field: LookupField,
        options: ProcessOptions,
    ) -> Result<i64, TaskError> {
        let articles = validate::articles(&validate::split_lines(articles_text))
            .map_err(|e| TaskError::Invalid(e.message))?;
        let texts: Vec<String> = articles.iter().map(|a| a.to_string()).collect();
        validate::options(&options).map_err(|e| TaskError::Invalid(e.message))?;
        if credential_id <= 0 {
            return Err(TaskError::Invalid("请选择 Ozon 凭证".into()));
        }
        let (row, credentials) = open_credential(&self.pool, &self.sealer, credential_id)
            .await
            .map_err(TaskError::Vault)?;
        let task = NewTask {
            user_id: user.id,
            username: &user.name,
            credential_id,
            credential_name: &row.name,
            field,
            options: &options,
            articles: &texts,
        };
        let (id, created_at) = store::insert(&self.pool, &task).await?;
        let view = TaskView {
            id,
            username: user.name.clone(),
            credential_name: row.name,
            field,
            options,
            articles: texts,
            status: TaskStatus::Running,
            error: None,
            created_at: crate::ui::time::format_timestamp(created_at),
            finished_at: None,
            items: Vec::new(),
        };
        self.launch(view, articles, credentials, user.id, HashMap::new());
        Ok(id)
    }

    /// Runs the articles of a finished task that are missing images again, keeping every image
    /// already stored ("重试失败项" and "继续" after an interruption).
    pub async fn resume(&self, user: &CurrentUser, id: i64) -> Result<(), TaskError> {
        let (view, credential_id) = store::find(&self.pool, id)
            .await?
            .ok_or(TaskError::NotFound)?;
        if view.status == TaskStatus::Running {
            return Err(TaskError::Running);
        }
        if !view.has_missing() {
            return Err(TaskError::NothingMissing);
        }
        let credential_id = credential_id.ok_or(TaskError::CredentialGone)?;
        let (_, credentials) = open_credential(&self.pool, &self.sealer, credential_id)
            .await
            .map_err(TaskError::Vault)?;
        let mut done: HashMap<String, HashMap<u32, String>> = HashMap::new();
        for item in &view.items {
            for image in &item.images {
                if let Some(url) = &image.url {
                    done.entry(item.article.clone())
                        .or_default()
                        .insert(image.n, url.clone());
                }
            }
        }
        // The stored articles were parsed when the task was made; one that no longer parses
        // is a damaged row, refused before anything runs.
        let articles = validate::articles(&view.articles)
            .map_err(|e| TaskError::Invalid(format!("任务 {id} 的货号已损坏：{}", e.message)))?;
        if !store::reopen(&self.pool, id).await? {
            return Err(TaskError::Running);
        }
        let mut view = view;
        view.status = TaskStatus::Running;
        view.error = None;
        view.finished_at = None;
        self.launch(view, articles, credentials, user.id, done);
        Ok(())
    }

    /// The task as it stands: live if it runs here, else from the database.
    pub async fn view(&self, id: i64) -> Result<TaskView, TaskError> {
        if let Some(rx) = self.subscribe(id) {
            return Ok(rx.borrow().clone());
        }
        store::find(&self.pool, id)
            .await?
            .map(|(view, _)| view)
            .ok_or(TaskError::NotFound)
    }

    fn launch(
        &self,
        view: TaskView,
        articles: Vec<Article>,
        credentials: OzonCredentials,
        user_id: i64,
        done: HashMap<String, HashMap<u32, String>>,
    ) {
        // Only articles with something missing run; complete ones keep their items.
        let complete: Vec<&str> = view
            .items
            .iter()
            .filter(|i| i.is_complete())
            .map(|i| i.article.as_str())
            .collect();
        let articles: Vec<Article> = articles
            .into_iter()
            .filter(|a| !complete.contains(&a.as_str()))
            .collect();
        let request = DownloadRequest {
            credentials,
            articles,
            field: view.field,
            user_id: UserId::from(user_id),
            options: view.options.clone(),
            done,
        };
        let id = view.id;
        let (tx, rx) = watch::channel(view);
        self.insert(id, rx);
        tokio::spawn(self.clone().run(id, request, tx));
    }

    async fn run(self, id: i64, request: DownloadRequest, tx: watch::Sender<TaskView>) {
        let progress = Arc::new(TaskProgress { tx });
        let saver = tokio::spawn(save_every_second(
            self.pool.clone(),
            progress.tx.subscribe(),
        ));
        let result = self.pipeline.run(request, progress.clone()).await;
        saver.abort();
        progress.tx.send_modify(|view| match result {
            Ok(report) => {
                for item in report.items {
                    put_item(view, item);
                }
                view.status = TaskStatus::Done;
            }
            Err(err) => {
                view.status = TaskStatus::Failed;
                view.error = Some(err.to_string());
            }
        });
        let view = progress.tx.borrow().clone();
        if let Err(err) = store::save(&self.pool, &view, true).await {
            tracing::error!(task = id, error = %err, "saving the finished task failed");
        }
        tracing::info!(
            task = id,
            status = view.status.as_str(),
            success = view.success_images(),
            failed = view.failed_images(),
            "image task finished"
        );
        // Watchers get the final state before the task leaves the live list.
        let mine = progress.tx.subscribe();
        tokio::time::sleep(Duration::from_secs(2)).await;
        self.remove_if_same(id, &mine);
    }
}

/// Replaces the article's item (or adds it), keeping the task's article order.
fn put_item(view: &mut TaskView, item: ItemReport) {
    match view.items.iter_mut().find(|i| i.article == item.article) {
        Some(slot) => *slot = item,
        None => view.items.push(item),
    }
    let order = &view.articles;
    view.items
        .sort_by_key(|i| order.iter().position(|a| *a == i.article));
}

/// Feeds the pipeline's progress into the task's view. Articles being re-run replace their
/// old items when planned; the others keep theirs.
struct TaskProgress {
    tx: watch::Sender<TaskView>,
}

impl Progress for TaskProgress {
    fn planned(&self, plans: &[Planned]) {
        self.tx.send_modify(|view| {
            for plan in plans {
                let item = match &plan.error {
                    Some(error) => {
                        let (code, message) = error.split_once(": ").unwrap_or(("", error));
                        ItemReport::failed(&plan.article, plan.product_id, code, message)
                    }
                    None => {
                        let mut item =
                            ItemReport::from_images(&plan.article, plan.product_id, Vec::new());
                        item.total_images = plan.total_images;
                        item
                    }
                };
                put_item(view, item);
            }
        });
    }

    fn image(&self, article: &str, outcome: &ImageOutcome) {
        self.tx.send_modify(|view| {
            if let Some(item) = view.items.iter_mut().find(|i| i.article == article) {
                let total = item.total_images;
                let mut images = std::mem::take(&mut item.images);
                images.retain(|i| i.n != outcome.n);
                images.push(outcome.clone());
                images.sort_by_key(|i| i.n);
                *item = ItemReport::from_images(article, item.product_id, images);
                item.total_images = total;
                item.failed_images = item.images.len() as u32 - item.success_images;
            }
        });
    }
}

async fn save_every_second(pool: sqlx::AnyPool, mut rx: watch::Receiver<TaskView>) {
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if !rx.has_changed().unwrap_or(false) {
            continue;
        }
        let view = rx.borrow_and_update().clone();
        if let Err(err) = store::save(&pool, &view, false).await {
            tracing::warn!(task = view.id, error = %err, "saving task progress failed");
        }
    }
}

#[cfg(test)]
mod tests;

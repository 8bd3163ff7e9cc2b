//! A download task as the history and the task page show it.

use serde::{Deserialize, Serialize};

use super::{ItemReport, LookupField, ProcessOptions};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Running,
    Done,
    Failed,
    Interrupted,
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Interrupted => "interrupted",
        }
    }

    pub fn parse(value: &str) -> Self {
        match value {
            "running" => Self::Running,
            "done" => Self::Done,
            "interrupted" => Self::Interrupted,
            _ => Self::Failed,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Running => "进行中",
            Self::Done => "已完成",
            Self::Failed => "失败",
            Self::Interrupted => "已中断",
        }
    }

    pub fn is_final(self) -> bool {
        self != Self::Running
    }
}

/// One row of the task history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskSummary {
    pub id: i64,
    pub username: String,
    pub credential_name: String,
    pub status: TaskStatus,
    pub total_articles: u32,
    pub total_images: u32,
    pub success_images: u32,
    pub failed_images: u32,
    pub created_at: String,
}

/// A task as the page shows it, live or from the database. `items` grow image by image while
/// it runs; articles not yet resolved have no item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskView {
    pub id: i64,
    pub username: String,
    pub credential_name: String,
    pub field: LookupField,
    pub options: ProcessOptions,
    pub articles: Vec<String>,
    pub status: TaskStatus,
    pub error: Option<String>,
    pub created_at: String,
    pub finished_at: Option<String>,
    pub items: Vec<ItemReport>,
}

impl TaskView {
    /// Images planned so far (0 until the products are found).
    pub fn total_images(&self) -> u32 {
        self.items.iter().map(|i| i.total_images).sum()
    }

    /// Images with an outcome, success or not.
    pub fn finished_images(&self) -> u32 {
        self.items
            .iter()
            .map(|i| i.success_images + i.failed_images)
            .sum()
    }

    pub fn success_images(&self) -> u32 {
        self.items.iter().map(|i| i.success_images).sum()
    }

    pub fn failed_images(&self) -> u32 {
        self.items.iter().map(|i| i.failed_images).sum()
    }

    /// Whether "retry failed" / "continue" has anything to do.
    pub fn has_missing(&self) -> bool {
        self.articles.len() > self.items.len() || self.items.iter().any(|i| !i.is_complete())
    }

    /// Progress in per cent, for the bar.
    pub fn percent(&self) -> u32 {
        if self.status == TaskStatus::Done {
            return 100;
        }
        let total = self.total_images();
        if total == 0 {
            return 0;
        }
        (self.finished_images() * 100 / total).min(100)
    }
}

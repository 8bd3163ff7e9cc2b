//! The listing state machine (the listing PRD's): Draft → MediaReady → ImportSubmitted →
//! Created → Priced → ReadyForSale → Live, and Error, which keeps the step that failed and why.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum State {
    Draft,
    MediaReady,
    ImportSubmitted,
    Created,
    Priced,
    ReadyForSale,
    Live,
    Error,
}

/// A step of the pipeline: what moves a product from one state to the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Step {
    /// Every image public and live (HEAD), changed images re-imported.
    Media,
    /// `/v3/product/import` (or `/v1/product/import-by-sku`) sent.
    Import,
    /// `/v1/product/import/info` says imported.
    ImportResult,
    /// `/v1/product/import/prices` accepted.
    Price,
    /// `/v2/products/stocks` accepted.
    Stock,
    /// Moderation passed; the card is visible.
    Moderation,
}

pub const STATES: [State; 8] = [
    State::Draft,
    State::MediaReady,
    State::ImportSubmitted,
    State::Created,
    State::Priced,
    State::ReadyForSale,
    State::Live,
    State::Error,
];

pub const STEPS: [Step; 6] = [
    Step::Media,
    Step::Import,
    Step::ImportResult,
    Step::Price,
    Step::Stock,
    Step::Moderation,
];

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "Draft",
            State::MediaReady => "MediaReady",
            State::ImportSubmitted => "ImportSubmitted",
            State::Created => "Created",
            State::Priced => "Priced",
            State::ReadyForSale => "ReadyForSale",
            State::Live => "Live",
            State::Error => "Error",
        }
    }

    pub fn parse(value: &str) -> Option<State> {
        STATES.into_iter().find(|s| s.as_str() == value)
    }

    /// Whether the pipeline still moves the product on its own (the pages keep refreshing).
    pub fn is_moving(self) -> bool {
        !matches!(self, State::ReadyForSale | State::Live | State::Error)
    }

    pub fn label(self) -> &'static str {
        match self {
            State::Draft => "草稿",
            State::MediaReady => "图片就绪",
            State::ImportSubmitted => "已提交导入",
            State::Created => "已建卡",
            State::Priced => "已定价",
            State::ReadyForSale => "可售",
            State::Live => "已上线",
            State::Error => "出错",
        }
    }
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Media => "media",
            Step::Import => "import",
            Step::ImportResult => "import_result",
            Step::Price => "price",
            Step::Stock => "stock",
            Step::Moderation => "moderation",
        }
    }

    pub fn parse(value: &str) -> Option<Step> {
        STEPS.into_iter().find(|s| s.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Step::Media => "图片检查",
            Step::Import => "提交导入",
            Step::ImportResult => "导入结果",
            Step::Price => "价格",
            Step::Stock => "库存",
            Step::Moderation => "审核",
        }
    }

    /// The state a product is in when this step runs, and the state it reaches when it succeeds.
    pub fn span(self) -> (State, State) {
        match self {
            Step::Media => (State::Draft, State::MediaReady),
            Step::Import => (State::MediaReady, State::ImportSubmitted),
            Step::ImportResult => (State::ImportSubmitted, State::Created),
            Step::Price => (State::Created, State::Priced),
            Step::Stock => (State::Priced, State::ReadyForSale),
            Step::Moderation => (State::ReadyForSale, State::Live),
        }
    }

    /// The step that runs in `state`; none in Live or Error.
    pub fn from_state(state: State) -> Option<Step> {
        STEPS.into_iter().find(|s| s.span().0 == state)
    }
}

/// Whether `from → to` is a move the machine allows: one step forward, into Error from any
/// working state, or out of Error back to where the failed step starts (a retry).
pub fn allowed(from: State, to: State, failed: Option<Step>) -> bool {
    match (from, to) {
        (State::Error, to) => failed.is_some_and(|s| s.span().0 == to),
        (State::Live, _) => false,
        (from, State::Error) => from != State::Error,
        (from, to) => Step::from_state(from).is_some_and(|s| s.span().1 == to),
    }
}

/// Back-off before the n-th retry of a transient failure (1-based): 5 s, 15 s, 45 s, 3 min; after
/// that the product goes to review.
pub fn retry_delay_secs(attempt: u32) -> Option<i64> {
    [5, 15, 45, 180]
        .get(attempt.checked_sub(1)? as usize)
        .copied()
}

#[cfg(test)]
mod tests;

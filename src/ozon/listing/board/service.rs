//! The board as the pages show it: drafts and their pipeline rows, filtered by state, type and
//! error text, counted per state in pipeline order.

use std::collections::BTreeMap;

use sqlx::AnyPool;

use super::store;
use super::{Board, BoardRow, BOARD_ROWS};
use crate::common::alerts;
use crate::ozon::listing::drafts::store::column;
use crate::ozon::listing::pipeline::state::{State, Step, STATES};
use crate::ozon::listing::pipeline::store::state_column;
use crate::ozon::listing::{Draft, Problem};
use crate::ui::time::format_timestamp;

/// Which products the board lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Show {
    All,
    /// Those waiting for a person's review.
    Review,
    /// Drafts never submitted.
    Unsubmitted,
    In(State),
    /// A state name the pipeline does not have: nothing matches.
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    pub show: Show,
    /// 0: every type.
    pub type_id: i64,
    /// Lower-case text the error must contain; empty: any.
    pub error: String,
}

impl Filter {
    /// The page's query: `state` is empty, `review`, `unsubmitted` or a state name.
    pub fn parse(state: &str, type_id: i64, error: &str) -> Filter {
        let show = match state {
            "" => Show::All,
            "review" => Show::Review,
            "unsubmitted" => Show::Unsubmitted,
            s => State::parse(s).map_or(Show::Unknown, Show::In),
        };
        Filter {
            show,
            type_id,
            error: error.trim().to_lowercase(),
        }
    }

    fn admits(
        &self,
        state: Option<State>,
        review: bool,
        type_id: i64,
        error: Option<&str>,
    ) -> bool {
        let show = match self.show {
            Show::All => true,
            Show::Review => review,
            Show::Unsubmitted => state.is_none(),
            Show::In(s) => state == Some(s),
            Show::Unknown => false,
        };
        show && (self.type_id == 0 || type_id == self.type_id)
            && (self.error.is_empty()
                || error.is_some_and(|e| e.to_lowercase().contains(&self.error)))
    }
}

/// The board for `filter`; a draft or pipeline row that does not parse is an error.
pub async fn board(pool: &AnyPool, filter: &Filter) -> sqlx::Result<Board> {
    let names = store::type_names(pool).await?;
    let name_of = |id: i64| names.get(&id).cloned().unwrap_or(format!("类型 {id}"));
    let mut board = Board::default();
    let mut counts: BTreeMap<Option<&'static str>, i64> = BTreeMap::new();
    for entry in store::entries(pool).await? {
        let draft: Draft = column(&entry.offer_id, "data", &entry.data)?;
        let state = match entry.state.as_deref() {
            None => None,
            Some(s) => Some(state_column(&entry.offer_id, s)?),
        };
        *counts.entry(state.map(State::as_str)).or_default() += 1;
        board.review += i64::from(entry.needs_review);
        let type_id = draft.type_id.unwrap_or(0);
        if type_id > 0 && !board.categories.iter().any(|(t, _)| *t == type_id) {
            board.categories.push((type_id, name_of(type_id)));
        }
        // A draft not yet submitted does not move; a submitted one moves until it is for sale.
        board.active |= state.is_some_and(State::is_moving);
        if board.rows.len() >= BOARD_ROWS
            || !filter.admits(state, entry.needs_review, type_id, entry.error.as_deref())
        {
            continue;
        }
        let problems: Vec<Problem> = column(&entry.offer_id, "problems", &entry.problems)?;
        board.rows.push(BoardRow {
            state: state.map_or("unsubmitted", State::as_str).to_string(),
            state_label: state.map_or("未提交", State::label).to_string(),
            category: if type_id > 0 {
                name_of(type_id)
            } else {
                String::new()
            },
            offer_id: entry.offer_id,
            name: draft.name,
            error: entry.error,
            failed_step: entry
                .failed_step
                .as_deref()
                .and_then(Step::parse)
                .map(|s| s.label().to_string()),
            needs_review: entry.needs_review,
            problems: problems.len(),
            updated_at: format_timestamp(entry.at),
        });
    }
    board.categories.sort();
    board.counts = std::iter::once((None, "unsubmitted", "未提交"))
        .chain(
            STATES
                .iter()
                .map(|s| (Some(s.as_str()), s.as_str(), s.label())),
        )
        .map(|(key, s, label)| {
            (
                s.to_string(),
                label.to_string(),
                counts.get(&key).copied().unwrap_or(0),
            )
        })
        .collect();
    board.alerts = alerts::recent(pool, 10)
        .await?
        .into_iter()
        .map(|a| (format_timestamp(a.at), a.message))
        .collect();
    Ok(board)
}

#[cfg(test)]
mod tests;

//! Ozon listing, part 2 (in progress): the durable listing pipeline. So far the state machine,
//! the stored states and timelines, and the durable job queue; the steps that call Ozon come
//! next.

pub mod state;

#[cfg(feature = "ssr")]
pub mod pacing;
#[cfg(feature = "ssr")]
pub mod queue;
#[cfg(feature = "ssr")]
pub mod store;

//! The games, one row per campaign kind: its styles, how it is drawn, and
//! how it behaves at the end. The flow (`app`) asks this table and names no
//! game. Each game is a module of this one, in `games/` (its `draw` and its
//! `.css`), following the contract in `game`'s docs: a new kind is its
//! module, declared here, and its row.

use adact_wire::CampaignKind;

use super::game::{Ctx, Game};

mod giftbox;
mod quiz;
mod scratch;
mod wheel;

/// What the flow knows of a kind of game.
pub struct Kind {
    /// The game's styles, added to the card's.
    pub css: &'static str,
    /// Draws the game, inert, as the intro shows it, with its play.
    pub draw: fn(&Ctx) -> Game,
    /// Whether the game keeps something to read at the end (the quiz's
    /// review): it keeps its size and scrolls in the room the end panel
    /// leaves, and stays reachable by keyboard, instead of being scaled
    /// down and made inert.
    pub read_at_end: bool,
}

/// The row of a campaign's kind.
pub fn of(kind: CampaignKind) -> &'static Kind {
    use CampaignKind::*;
    #[rustfmt::skip]
    let row = match kind {
        Wheel =>   &Kind { css: wheel::CSS,   draw: wheel::draw,   read_at_end: false },
        Scratch => &Kind { css: scratch::CSS, draw: scratch::draw, read_at_end: false },
        Giftbox => &Kind { css: giftbox::CSS, draw: giftbox::draw, read_at_end: false },
        Quiz =>    &Kind { css: quiz::CSS,    draw: quiz::draw,    read_at_end: true },
    };
    row
}

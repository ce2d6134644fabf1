//! Members' names and community rooms' power levels as last read from matrix-sdk's store, so
//! that a command or a reaction does not wait on two store reads every time (0.3 ms of each
//! answer in the Matrix bench, docs/PERFORMANCE.md).
//!
//! What a sync changes is forgotten before anything after it in the same room is handled:
//! matrix-sdk stores the whole sync first, then calls the handlers room by room, and in each
//! room state before timeline, one event at a time; the handlers in `events` tell this cache
//! of every member and power-level event. Rooms are handled one after the other, so a
//! community's power levels are only taken from here for events of the community room itself
//! (see `Shared::power_level`). A read that was under way when something changed is not kept
//! (the catch-up tasks read beside the sync loop): each change moves `generation` on, and only
//! a read that started in the current generation is kept.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use matrix_sdk::ruma::events::room::power_levels::RoomPowerLevels;
use matrix_sdk::ruma::{OwnedRoomId, OwnedUserId, RoomId, UserId};

/// Most names kept; past it the names start afresh (a room of thousands stays cheap).
const MOST_NAMES: usize = 10_000;

#[derive(Default)]
pub(super) struct Known {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    generation: u64,
    /// (room, member) → the display name their member event gives (none set: `None`).
    names: HashMap<(OwnedRoomId, OwnedUserId), Option<String>>,
    levels: HashMap<OwnedRoomId, RoomPowerLevels>,
}

impl Known {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Taken before a store read; hand it back to `keep_*` with what was read.
    pub(super) fn generation(&self) -> u64 {
        self.inner().generation
    }

    /// The member's display name in the room, if known (`Some(None)`: known to have none).
    pub(super) fn name(&self, room: &RoomId, user: &UserId) -> Option<Option<String>> {
        self.inner()
            .names
            .get(&(room.to_owned(), user.to_owned()))
            .cloned()
    }

    pub(super) fn keep_name(
        &self,
        generation: u64,
        room: &RoomId,
        user: &UserId,
        name: Option<String>,
    ) {
        let mut inner = self.inner();
        if inner.generation != generation {
            return;
        }
        if inner.names.len() >= MOST_NAMES {
            inner.names.clear();
        }
        inner.names.insert((room.to_owned(), user.to_owned()), name);
    }

    /// The power level `user` holds in `room`, if the room's power levels are known.
    pub(super) fn level(
        &self,
        room: &RoomId,
        user: &UserId,
    ) -> Option<matrix_sdk::ruma::events::room::power_levels::UserPowerLevel> {
        self.inner().levels.get(room).map(|l| l.for_user(user))
    }

    pub(super) fn keep_levels(&self, generation: u64, room: &RoomId, levels: RoomPowerLevels) {
        let mut inner = self.inner();
        if inner.generation == generation {
            inner.levels.insert(room.to_owned(), levels);
        }
    }

    /// A member event for `user` in `room` synced in: their name may have changed.
    pub(super) fn member_changed(&self, room: &RoomId, user: &UserId) {
        let mut inner = self.inner();
        inner.generation += 1;
        inner.names.remove(&(room.to_owned(), user.to_owned()));
    }

    /// A power-level event for `room` synced in.
    pub(super) fn levels_changed(&self, room: &RoomId) {
        let mut inner = self.inner();
        inner.generation += 1;
        inner.levels.remove(room);
    }
}

#[cfg(test)]
mod tests {
    use matrix_sdk::ruma::events::room::power_levels::{
        RoomPowerLevelsEventContent, RoomPowerLevelsSource, UserPowerLevel,
    };
    use matrix_sdk::ruma::room_version_rules::AuthorizationRules;
    use matrix_sdk::ruma::{room_id, user_id};

    use super::*;

    fn levels(user: &UserId, level: i64) -> RoomPowerLevels {
        let mut content = RoomPowerLevelsEventContent::new(&AuthorizationRules::V1);
        content
            .users
            .insert(user.to_owned(), level.try_into().unwrap());
        RoomPowerLevels::new(
            RoomPowerLevelsSource::Original(content),
            &AuthorizationRules::V1,
            [],
        )
    }

    #[test]
    fn a_change_that_syncs_in_is_forgotten_and_a_read_from_before_it_is_not_kept() {
        let known = Known::default();
        let (room, other) = (room_id!("!r:h"), room_id!("!o:h"));
        let (ann, bo) = (user_id!("@ann:h"), user_id!("@bo:h"));
        let g = known.generation();
        known.keep_name(g, room, ann, Some("Ann".into()));
        known.keep_name(g, room, bo, None);
        known.keep_levels(g, room, levels(ann, 50));
        assert_eq!(known.name(room, ann), Some(Some("Ann".into())));
        assert_eq!(known.name(room, bo), Some(None));
        assert_eq!(known.name(other, ann), None, "names are per room");
        assert_eq!(known.level(room, ann), Some(UserPowerLevel::Int(50.into())));

        // Ann's new name syncs in: hers is forgotten, Bo's kept.
        known.member_changed(room, ann);
        assert_eq!(known.name(room, ann), None);
        assert_eq!(known.name(room, bo), Some(None));
        // A read that began before the change would bring the old name back: not kept.
        known.keep_name(g, room, ann, Some("Ann".into()));
        assert_eq!(known.name(room, ann), None);

        // Ann is made an admin: the room's levels are read again, and only a fresh read kept.
        let g = known.generation();
        known.levels_changed(room);
        assert_eq!(known.level(room, ann), None);
        known.keep_levels(g, room, levels(ann, 50));
        assert_eq!(known.level(room, ann), None);
        known.keep_levels(known.generation(), room, levels(ann, 100));
        assert_eq!(
            known.level(room, ann),
            Some(UserPowerLevel::Int(100.into()))
        );
    }

    #[test]
    fn names_start_afresh_when_there_are_too_many() {
        let known = Known::default();
        let room = room_id!("!r:h");
        for i in 0..=MOST_NAMES {
            let user = UserId::parse(format!("@u{i}:h")).unwrap();
            known.keep_name(known.generation(), room, &user, None);
        }
        assert_eq!(known.inner().names.len(), 1);
    }
}

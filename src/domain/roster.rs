//! Who is coming to a meetup: the RSVP state machine behind reactions on a meetup post.
//!
//! Members answer by reacting (✅ going, ❔ maybe, ❌ can't go). The rules:
//!
//! - A member has at most one RSVP: a new one replaces the old.
//! - With a capacity, "going" beyond it puts the member on the waitlist, in arrival order; the
//!   caller tells them privately ([`Change::Waitlisted`]).
//! - When a place frees up (someone going switches to maybe or can't go, or takes their ✅ back,
//!   or the capacity is raised), the first on the waitlist is promoted ([`Change::Promoted`]).
//! - Lowering the capacity never removes anyone already going: the roster stays over capacity
//!   until enough people leave, and nobody is promoted meanwhile.
//! - Repeating an RSVP changes nothing.
//!
//! Pure rules: no clock, no store, no platform. Members are any identifier `M` (a platform user
//! id, a store key); lookups are linear, which is plenty for meetup-sized rosters.

use std::collections::{HashMap, HashSet};
use std::fmt::Debug;
use std::hash::Hash;

/// A member's answer to a meetup, one per reaction kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rsvp {
    /// Coming (✅). Beyond the capacity this means the waitlist.
    Going,
    /// Perhaps (❔).
    Maybe,
    /// Not coming (❌).
    CantGo,
}

/// Where a member stands on a roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Has a place.
    Going,
    /// Answered going but the meetup was full: waiting for a place.
    Waitlisted,
    /// Answered maybe.
    Maybe,
    /// Answered can't go.
    CantGo,
}

impl Status {
    /// The RSVP behind this status (waitlisted members answered [`Rsvp::Going`]).
    pub fn rsvp(self) -> Rsvp {
        match self {
            Status::Going | Status::Waitlisted => Rsvp::Going,
            Status::Maybe => Rsvp::Maybe,
            Status::CantGo => Rsvp::CantGo,
        }
    }
}

/// Something the caller must tell a member about, privately.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Change<M> {
    /// The member answered going but the meetup is full: they are on the waitlist.
    Waitlisted(M),
    /// A place freed up and the member moved from the waitlist to going.
    Promoted(M),
}

/// How many answered what, for the meetup post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Counts {
    /// Members with a place.
    pub going: usize,
    /// Members who answered maybe.
    pub maybe: usize,
    /// Members who answered can't go.
    pub cant: usize,
    /// Members waiting for a place.
    pub waitlist: usize,
    /// The most members going, if limited.
    pub capacity: Option<u32>,
}

/// The RSVPs of one meetup: who is going (in arrival order), maybe, can't go, and waiting (in
/// arrival order). See the module documentation for the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roster<M> {
    capacity: Option<u32>,
    going: Vec<M>,
    maybe: Vec<M>,
    cant: Vec<M>,
    waitlist: Vec<M>,
}

impl<M: Clone + Eq + Hash + Debug> Roster<M> {
    /// An empty roster; `None` means no limit on places.
    pub fn new(capacity: Option<u32>) -> Self {
        Roster {
            capacity,
            going: Vec::new(),
            maybe: Vec::new(),
            cant: Vec::new(),
            waitlist: Vec::new(),
        }
    }

    /// Rebuilds a roster from storage; `going` and `waitlist` are in arrival order.
    ///
    /// The lists are kept as given, except that a member listed more than once keeps only the
    /// first occurrence, looking in the order going, waitlist, maybe, can't go. Nobody is promoted
    /// here (there is no one to tell): if stored data may have a waitlist with free places, call
    /// `roster.set_capacity(roster.capacity())` and deliver its changes.
    pub fn from_parts(
        capacity: Option<u32>,
        going: Vec<M>,
        maybe: Vec<M>,
        cant: Vec<M>,
        waitlist: Vec<M>,
    ) -> Self {
        let mut seen = HashSet::new();
        let mut keep = |list: Vec<M>| -> Vec<M> {
            list.into_iter()
                .filter(|m| seen.insert(m.clone()))
                .collect()
        };
        let going = keep(going);
        let waitlist = keep(waitlist);
        let maybe = keep(maybe);
        let cant = keep(cant);
        Roster {
            capacity,
            going,
            maybe,
            cant,
            waitlist,
        }
    }

    /// The most members going, if limited.
    pub fn capacity(&self) -> Option<u32> {
        self.capacity
    }

    /// Members with a place, in arrival order.
    pub fn going(&self) -> &[M] {
        &self.going
    }

    /// Members who answered maybe.
    pub fn maybe(&self) -> &[M] {
        &self.maybe
    }

    /// Members who answered can't go.
    pub fn cant(&self) -> &[M] {
        &self.cant
    }

    /// Members waiting for a place, first in line first.
    pub fn waitlist(&self) -> &[M] {
        &self.waitlist
    }

    /// Where `member` stands, or `None` if they have not answered.
    pub fn status(&self, member: &M) -> Option<Status> {
        if self.going.contains(member) {
            Some(Status::Going)
        } else if self.waitlist.contains(member) {
            Some(Status::Waitlisted)
        } else if self.maybe.contains(member) {
            Some(Status::Maybe)
        } else if self.cant.contains(member) {
            Some(Status::CantGo)
        } else {
            None
        }
    }

    /// How many answered what.
    pub fn counts(&self) -> Counts {
        Counts {
            going: self.going.len(),
            maybe: self.maybe.len(),
            cant: self.cant.len(),
            waitlist: self.waitlist.len(),
            capacity: self.capacity,
        }
    }

    /// Records `member`'s answer (a reaction added), replacing any earlier one.
    ///
    /// Going when full puts them on the waitlist ([`Change::Waitlisted`]); leaving the going list
    /// promotes the first on the waitlist ([`Change::Promoted`]). Repeating the current answer
    /// changes nothing, and answering going again while waitlisted keeps the waitlist place.
    pub fn set(&mut self, member: M, rsvp: Rsvp) -> Vec<Change<M>> {
        if self.status(&member).map(Status::rsvp) == Some(rsvp) {
            return Vec::new();
        }
        let mut changes = Vec::new();
        let freed = self.detach(&member) == Some(Status::Going);
        self.place(member, rsvp, &mut changes);
        if freed {
            self.fill(&mut changes);
        }
        changes
    }

    /// Takes back `member`'s answer (a reaction removed), only if `rsvp` is their current one:
    /// removing ❔ from someone going changes nothing. Removing ✅ from someone waitlisted takes
    /// them off the waitlist; from someone going, it promotes the first on the waitlist.
    pub fn remove(&mut self, member: &M, rsvp: Rsvp) -> Vec<Change<M>> {
        if self.status(member).map(Status::rsvp) != Some(rsvp) {
            return Vec::new();
        }
        let mut changes = Vec::new();
        if self.detach(member) == Some(Status::Going) {
            self.fill(&mut changes);
        }
        changes
    }

    /// Changes the capacity (`None`: no limit).
    ///
    /// Raising it promotes from the waitlist, first in line first. Lowering it never removes
    /// anyone already going: the roster stays over capacity, newcomers are waitlisted, and
    /// nobody is promoted until the going list is below the new capacity.
    pub fn set_capacity(&mut self, capacity: Option<u32>) -> Vec<Change<M>> {
        self.capacity = capacity;
        let mut changes = Vec::new();
        self.fill(&mut changes);
        changes
    }

    /// Makes the roster match the reactions actually present (after the bot was away).
    ///
    /// `present` lists every (member, answer) reaction on the post. A member with several
    /// reactions present gets the last one in `present` order. Members whose answer is unchanged
    /// keep their place and order (going stays going even over capacity; waitlisted stays
    /// waitlisted); members with no reaction left are removed. Then freed places go to the
    /// waitlist, first in line first, and only after that are new or changed answers added, in the
    /// order of their (last) entry in `present`, under the usual capacity rules.
    pub fn reconcile(&mut self, present: &[(M, Rsvp)]) -> Vec<Change<M>> {
        let mut last: HashMap<&M, (usize, Rsvp)> = HashMap::new();
        for (index, (member, rsvp)) in present.iter().enumerate() {
            last.insert(member, (index, *rsvp));
        }
        let wanted = |member: &M| last.get(member).map(|&(_, rsvp)| rsvp);

        let before_going = self.going.len();
        self.going.retain(|m| wanted(m) == Some(Rsvp::Going));
        let freed = self.going.len() < before_going;
        self.waitlist.retain(|m| wanted(m) == Some(Rsvp::Going));
        self.maybe.retain(|m| wanted(m) == Some(Rsvp::Maybe));
        self.cant.retain(|m| wanted(m) == Some(Rsvp::CantGo));

        let mut changes = Vec::new();
        if freed {
            self.fill(&mut changes);
        }

        let mut arrivals: Vec<(usize, &M, Rsvp)> = last
            .iter()
            .filter(|(member, _)| self.status(member).is_none())
            .map(|(member, &(index, rsvp))| (index, *member, rsvp))
            .collect();
        arrivals.sort_by_key(|&(index, _, _)| index);
        for (_, member, rsvp) in arrivals {
            self.place(member.clone(), rsvp, &mut changes);
        }
        changes
    }

    /// Whether someone answering going now would get a place.
    fn has_room(&self) -> bool {
        self.capacity
            .is_none_or(|cap| self.going.len() < cap as usize)
    }

    /// Takes `member` off whichever list holds them; says which it was.
    fn detach(&mut self, member: &M) -> Option<Status> {
        let lists = [
            (Status::Going, &mut self.going),
            (Status::Waitlisted, &mut self.waitlist),
            (Status::Maybe, &mut self.maybe),
            (Status::CantGo, &mut self.cant),
        ];
        for (status, list) in lists {
            if let Some(at) = list.iter().position(|m| m == member) {
                list.remove(at);
                return Some(status);
            }
        }
        None
    }

    /// Adds a member who is on no list.
    fn place(&mut self, member: M, rsvp: Rsvp, changes: &mut Vec<Change<M>>) {
        match rsvp {
            Rsvp::Going if self.has_room() => self.going.push(member),
            Rsvp::Going => {
                changes.push(Change::Waitlisted(member.clone()));
                self.waitlist.push(member);
            }
            Rsvp::Maybe => self.maybe.push(member),
            Rsvp::CantGo => self.cant.push(member),
        }
    }

    /// Promotes from the front of the waitlist while there is room.
    fn fill(&mut self, changes: &mut Vec<Change<M>>) {
        while self.has_room() && !self.waitlist.is_empty() {
            let member = self.waitlist.remove(0);
            changes.push(Change::Promoted(member.clone()));
            self.going.push(member);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn waitlisted(m: &str) -> Change<&str> {
        Change::Waitlisted(m)
    }

    fn promoted(m: &str) -> Change<&str> {
        Change::Promoted(m)
    }

    #[test]
    fn going_beyond_capacity_waitlists_in_arrival_order() {
        let mut r = Roster::new(Some(2));
        assert_eq!(r.set("ana", Rsvp::Going), vec![]);
        assert_eq!(r.set("bo", Rsvp::Going), vec![]);
        assert_eq!(r.set("cy", Rsvp::Going), vec![waitlisted("cy")]);
        assert_eq!(r.set("di", Rsvp::Going), vec![waitlisted("di")]);
        assert_eq!(r.going(), ["ana", "bo"]);
        assert_eq!(r.waitlist(), ["cy", "di"]);
        assert_eq!(r.status(&"cy"), Some(Status::Waitlisted));
        assert_eq!(
            r.counts(),
            Counts {
                going: 2,
                maybe: 0,
                cant: 0,
                waitlist: 2,
                capacity: Some(2)
            }
        );
    }

    #[test]
    fn no_capacity_means_everyone_going_gets_a_place() {
        let mut r = Roster::new(None);
        for m in ["a", "b", "c", "d", "e"] {
            assert_eq!(r.set(m, Rsvp::Going), vec![]);
        }
        assert_eq!(r.going().len(), 5);
        assert!(r.waitlist().is_empty());
    }

    #[test]
    fn zero_capacity_waitlists_everyone() {
        let mut r = Roster::new(Some(0));
        assert_eq!(r.set("a", Rsvp::Going), vec![waitlisted("a")]);
        assert!(r.going().is_empty());
    }

    #[test]
    fn switching_from_going_to_maybe_promotes_the_first_waitlisted() {
        let mut r = Roster::new(Some(1));
        r.set("ana", Rsvp::Going);
        r.set("bo", Rsvp::Going);
        r.set("cy", Rsvp::Going);
        assert_eq!(r.set("ana", Rsvp::Maybe), vec![promoted("bo")]);
        assert_eq!(r.going(), ["bo"]);
        assert_eq!(r.waitlist(), ["cy"]);
        assert_eq!(r.maybe(), ["ana"]);
    }

    #[test]
    fn switching_from_going_to_cant_go_promotes_the_first_waitlisted() {
        let mut r = Roster::new(Some(1));
        r.set("ana", Rsvp::Going);
        r.set("bo", Rsvp::Going);
        assert_eq!(r.set("ana", Rsvp::CantGo), vec![promoted("bo")]);
        assert_eq!(r.cant(), ["ana"]);
    }

    #[test]
    fn a_member_who_leaves_and_comes_back_joins_the_end_of_the_waitlist() {
        let mut r = Roster::new(Some(1));
        r.set("ana", Rsvp::Going);
        r.set("bo", Rsvp::Going);
        r.set("cy", Rsvp::Going);
        assert_eq!(r.set("ana", Rsvp::Maybe), vec![promoted("bo")]);
        assert_eq!(r.set("ana", Rsvp::Going), vec![waitlisted("ana")]);
        assert_eq!(r.waitlist(), ["cy", "ana"]);
        assert!(r.maybe().is_empty());
    }

    #[test]
    fn removing_going_from_someone_going_promotes_the_first_waitlisted() {
        let mut r = Roster::new(Some(1));
        r.set("ana", Rsvp::Going);
        r.set("bo", Rsvp::Going);
        assert_eq!(r.remove(&"ana", Rsvp::Going), vec![promoted("bo")]);
        assert_eq!(r.status(&"ana"), None);
        assert_eq!(r.going(), ["bo"]);
    }

    #[test]
    fn removing_going_from_someone_waitlisted_takes_them_off_without_promoting_anyone() {
        let mut r = Roster::new(Some(1));
        r.set("ana", Rsvp::Going);
        r.set("bo", Rsvp::Going);
        r.set("cy", Rsvp::Going);
        assert_eq!(r.remove(&"bo", Rsvp::Going), vec![]);
        assert_eq!(r.waitlist(), ["cy"]);
        assert_eq!(r.going(), ["ana"]);
    }

    #[test]
    fn removing_a_reaction_that_is_not_the_current_answer_changes_nothing() {
        let mut r = Roster::new(Some(1));
        r.set("ana", Rsvp::Going);
        r.set("bo", Rsvp::Going);
        let before = r.clone();
        assert_eq!(r.remove(&"ana", Rsvp::Maybe), vec![]);
        assert_eq!(r.remove(&"ana", Rsvp::CantGo), vec![]);
        assert_eq!(r.remove(&"zed", Rsvp::Going), vec![]);
        assert_eq!(r, before);
    }

    #[test]
    fn switching_from_waitlisted_to_maybe_promotes_nobody() {
        let mut r = Roster::new(Some(1));
        r.set("ana", Rsvp::Going);
        r.set("bo", Rsvp::Going);
        r.set("cy", Rsvp::Going);
        assert_eq!(r.set("bo", Rsvp::Maybe), vec![]);
        assert_eq!(r.waitlist(), ["cy"]);
        assert_eq!(r.maybe(), ["bo"]);
    }

    #[test]
    fn repeating_an_answer_changes_nothing() {
        let mut r = Roster::new(Some(1));
        r.set("ana", Rsvp::Going);
        r.set("bo", Rsvp::Going);
        r.set("cy", Rsvp::Maybe);
        r.set("di", Rsvp::CantGo);
        let before = r.clone();
        assert_eq!(r.set("ana", Rsvp::Going), vec![]);
        assert_eq!(r.set("cy", Rsvp::Maybe), vec![]);
        assert_eq!(r.set("di", Rsvp::CantGo), vec![]);
        assert_eq!(r, before);
    }

    #[test]
    fn going_again_while_waitlisted_keeps_the_waitlist_place() {
        let mut r = Roster::new(Some(1));
        r.set("ana", Rsvp::Going);
        r.set("bo", Rsvp::Going);
        r.set("cy", Rsvp::Going);
        assert_eq!(r.set("bo", Rsvp::Going), vec![]);
        assert_eq!(r.waitlist(), ["bo", "cy"]);
    }

    #[test]
    fn a_member_has_only_their_latest_answer() {
        let mut r = Roster::new(None);
        r.set("ana", Rsvp::Going);
        r.set("ana", Rsvp::Maybe);
        r.set("ana", Rsvp::CantGo);
        assert!(r.going().is_empty());
        assert!(r.maybe().is_empty());
        assert_eq!(r.cant(), ["ana"]);
        assert_eq!(r.status(&"ana"), Some(Status::CantGo));
    }

    #[test]
    fn raising_the_capacity_promotes_from_the_waitlist_in_order() {
        let mut r = Roster::new(Some(1));
        for m in ["a", "b", "c", "d"] {
            r.set(m, Rsvp::Going);
        }
        assert_eq!(r.set_capacity(Some(3)), vec![promoted("b"), promoted("c")]);
        assert_eq!(r.waitlist(), ["d"]);
        assert_eq!(r.set_capacity(None), vec![promoted("d")]);
        assert_eq!(r.going(), ["a", "b", "c", "d"]);
    }

    #[test]
    fn lowering_the_capacity_keeps_everyone_going_and_waitlists_newcomers() {
        let mut r = Roster::new(None);
        for m in ["a", "b", "c"] {
            r.set(m, Rsvp::Going);
        }
        assert_eq!(r.set_capacity(Some(1)), vec![]);
        assert_eq!(r.going(), ["a", "b", "c"]);
        assert_eq!(r.set("d", Rsvp::Going), vec![waitlisted("d")]);
        // Still over capacity after one leaves: nobody is promoted.
        assert_eq!(r.set("a", Rsvp::Maybe), vec![]);
        assert_eq!(r.set("b", Rsvp::Maybe), vec![]);
        assert_eq!(r.set("c", Rsvp::Maybe), vec![promoted("d")]);
        assert_eq!(r.going(), ["d"]);
    }

    #[test]
    fn from_parts_keeps_order_and_drops_duplicates() {
        let r = Roster::from_parts(
            Some(2),
            vec!["a", "b", "a"],
            vec!["c", "b"],
            vec!["d"],
            vec!["e", "f", "a"],
        );
        assert_eq!(r.going(), ["a", "b"]);
        assert_eq!(r.maybe(), ["c"]);
        assert_eq!(r.cant(), ["d"]);
        assert_eq!(r.waitlist(), ["e", "f"]);
    }

    #[test]
    fn from_parts_promotes_nobody_until_the_capacity_is_set_again() {
        let mut r = Roster::from_parts(Some(2), vec!["a"], vec![], vec![], vec!["b", "c"]);
        assert_eq!(r.waitlist(), ["b", "c"]);
        assert_eq!(r.set_capacity(r.capacity()), vec![promoted("b")]);
    }

    #[test]
    fn reconcile_keeps_unchanged_members_in_place_and_adds_new_ones_in_order() {
        let mut r = Roster::new(Some(3));
        r.set("a", Rsvp::Going);
        r.set("b", Rsvp::Going);
        r.set("m", Rsvp::Maybe);
        let changes = r.reconcile(&[
            ("x", Rsvp::Going),
            ("b", Rsvp::Going),
            ("a", Rsvp::Going),
            ("y", Rsvp::Going),
            ("m", Rsvp::Maybe),
            ("n", Rsvp::CantGo),
        ]);
        assert_eq!(changes, vec![waitlisted("y")]);
        assert_eq!(r.going(), ["a", "b", "x"]);
        assert_eq!(r.waitlist(), ["y"]);
        assert_eq!(r.maybe(), ["m"]);
        assert_eq!(r.cant(), ["n"]);
    }

    #[test]
    fn reconcile_removes_members_without_reactions_and_promotes_before_newcomers() {
        let mut r = Roster::new(Some(2));
        for m in ["a", "b", "w1", "w2"] {
            r.set(m, Rsvp::Going);
        }
        r.set("m", Rsvp::Maybe);
        let changes = r.reconcile(&[
            ("new", Rsvp::Going),
            ("b", Rsvp::Going),
            ("w1", Rsvp::Going),
            ("w2", Rsvp::Going),
        ]);
        assert_eq!(changes, vec![promoted("w1"), waitlisted("new")]);
        assert_eq!(r.going(), ["b", "w1"]);
        assert_eq!(r.waitlist(), ["w2", "new"]);
        assert!(r.maybe().is_empty());
        assert_eq!(r.status(&"a"), None);
    }

    #[test]
    fn reconcile_takes_the_last_of_several_reactions_from_one_member() {
        let mut r = Roster::new(None);
        r.set("a", Rsvp::Going);
        r.reconcile(&[("a", Rsvp::Going), ("a", Rsvp::CantGo)]);
        assert_eq!(r.status(&"a"), Some(Status::CantGo));
        r.reconcile(&[("a", Rsvp::CantGo), ("a", Rsvp::Maybe)]);
        assert_eq!(r.status(&"a"), Some(Status::Maybe));
    }

    #[test]
    fn reconcile_with_the_same_reactions_changes_nothing() {
        let mut r = Roster::new(Some(1));
        r.set("a", Rsvp::Going);
        r.set("b", Rsvp::Going);
        r.set("c", Rsvp::CantGo);
        let before = r.clone();
        let present = [("c", Rsvp::CantGo), ("b", Rsvp::Going), ("a", Rsvp::Going)];
        assert_eq!(r.reconcile(&present), vec![]);
        assert_eq!(r, before);
    }

    #[test]
    fn reconcile_keeps_an_over_capacity_going_list() {
        let mut r = Roster::from_parts(Some(1), vec!["a", "b"], vec![], vec![], vec![]);
        assert_eq!(
            r.reconcile(&[("a", Rsvp::Going), ("b", Rsvp::Going)]),
            vec![]
        );
        assert_eq!(r.going(), ["a", "b"]);
    }

    #[test]
    fn reconcile_with_no_reactions_empties_the_roster() {
        let mut r = Roster::new(Some(1));
        r.set("a", Rsvp::Going);
        r.set("b", Rsvp::Going);
        r.set("c", Rsvp::Maybe);
        assert_eq!(r.reconcile(&[]), vec![]);
        assert_eq!(
            r.counts(),
            Counts {
                going: 0,
                maybe: 0,
                cant: 0,
                waitlist: 0,
                capacity: Some(1)
            }
        );
    }

    /// A tiny deterministic linear congruential generator (Knuth's MMIX constants).
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        fn rsvp(&mut self) -> Rsvp {
            [Rsvp::Going, Rsvp::Maybe, Rsvp::CantGo][self.below(3) as usize]
        }
    }

    /// Checks the invariants; `allowed_going` is the most members the going list may hold.
    fn check(r: &Roster<u32>, allowed_going: usize, changes: &[Change<u32>]) {
        let all: Vec<u32> = [r.going(), r.waitlist(), r.maybe(), r.cant()].concat();
        let unique: HashSet<u32> = all.iter().copied().collect();
        assert_eq!(unique.len(), all.len(), "a member appears twice: {r:?}");
        assert!(r.going().len() <= allowed_going, "too many going: {r:?}");
        if !r.waitlist().is_empty() {
            let cap = r
                .capacity()
                .expect("a waitlist only exists with a capacity");
            assert!(
                r.going().len() >= cap as usize,
                "waitlist while not full: {r:?}"
            );
        }
        let c = r.counts();
        assert_eq!(
            (c.going, c.maybe, c.cant, c.waitlist, c.capacity),
            (
                r.going().len(),
                r.maybe().len(),
                r.cant().len(),
                r.waitlist().len(),
                r.capacity()
            )
        );
        for change in changes {
            match change {
                Change::Waitlisted(m) => assert_eq!(r.status(m), Some(Status::Waitlisted)),
                Change::Promoted(m) => assert_eq!(r.status(m), Some(Status::Going)),
            }
        }
    }

    fn random_event(rng: &mut Lcg, r: &mut Roster<u32>, members: u64) -> Vec<Change<u32>> {
        let member = rng.below(members) as u32;
        match rng.below(10) {
            0..=5 => {
                let rsvp = rng.rsvp();
                r.set(member, rsvp)
            }
            6..=7 => {
                // Usually remove the current answer, sometimes a stale one.
                let rsvp = match r.status(&member) {
                    Some(status) if rng.below(4) != 0 => status.rsvp(),
                    _ => rng.rsvp(),
                };
                r.remove(&member, rsvp)
            }
            _ => {
                let present: Vec<(u32, Rsvp)> = (0..rng.below(members))
                    .map(|_| (rng.below(members) as u32, rng.rsvp()))
                    .collect();
                r.reconcile(&present)
            }
        }
    }

    #[test]
    fn a_thousand_random_events_with_a_fixed_capacity_keep_every_invariant() {
        let mut rng = Lcg(42);
        let (mut waitlisted, mut promoted) = (0, 0);
        for capacity in [0_u32, 1, 3, 7] {
            let mut r = Roster::new(Some(capacity));
            for _ in 0..1_000 {
                let changes = random_event(&mut rng, &mut r, 12);
                check(&r, capacity as usize, &changes);
                for change in changes {
                    match change {
                        Change::Waitlisted(_) => waitlisted += 1,
                        Change::Promoted(_) => promoted += 1,
                    }
                }
            }
        }
        // The events really exercise the waitlist.
        assert!(waitlisted > 20 && promoted > 20, "{waitlisted} {promoted}");
    }

    #[test]
    fn a_thousand_random_events_with_capacity_changes_keep_every_invariant() {
        let mut rng = Lcg(7);
        let mut r = Roster::new(Some(3));
        for _ in 0..1_000 {
            let before = r.going().len();
            let changes = if rng.below(10) == 0 {
                let capacity = match rng.below(6) {
                    0 => None,
                    n => Some(n as u32 - 1),
                };
                let changes = r.set_capacity(capacity);
                // Lowering keeps everyone going; raising only promotes.
                assert!(r.going().len() >= before);
                changes
            } else {
                random_event(&mut rng, &mut r, 12)
            };
            // Over capacity (after lowering it) the going list never grows.
            let allowed = match r.capacity() {
                None => usize::MAX,
                Some(cap) => (cap as usize).max(before),
            };
            check(&r, allowed, &changes);
        }
    }
}

//! The pairing matcher: who meets whom in a round (issue 16).
//!
//! [`plan`] is pure: no I/O, no clock, and no randomness except what it derives from `seed`, so
//! the same participants, the same recent pairs and the same seed always give the same plan,
//! whatever order the participants come in.
//!
//! # Rules
//!
//! - Peers pair with peers; mentors never pair with each other in this version.
//! - A mentee gets a mentor of their specialty (a mentee without a specialty: any mentor); each
//!   mentor takes at most `capacity` mentees, every mentor-mentee pair its own [`Group`].
//! - Partners are chosen to share, in this order of weight, the specialty, the shift, the most
//!   interests, and the state.
//! - Never a pair that met within six months (`recent`), not even inside a trio.
//! - An odd peer joins the best-fitting pair as a trio, and is left out only when no group can
//!   take them.
//! - Those left out last round choose first, and a peer left out last round who still finds no
//!   one takes the place of a partner who was not (so nobody is left out twice in a row when a
//!   match exists).
//! - Everyone appears exactly once: in a group, in `left_out`, or in `mentors_unused`.
//!
//! # How it scales
//!
//! Greedy, never all pairs: participants are put in buckets (specialty and shift, specialty,
//! shift, everyone), and each one, in turn, looks for a partner in the narrowest bucket that
//! still has someone, among at most [`WINDOW`] candidates who are free and not a recent pair.
//! A bucket skips those already placed and is compacted when the skipped ones pile up. 10,000
//! participants take a few milliseconds (`cargo bench --bench pairing`, docs/PERFORMANCE.md).

use std::collections::HashMap;

/// The store's participant row id.
pub type Pid = i64;

/// How someone takes part in pairing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Meets another peer (or two, in a trio).
    Peer,
    /// Meets up to `capacity` mentees of their specialty.
    Mentor,
    /// Meets one mentor of their specialty.
    Mentee,
}

/// The shift someone works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shift {
    /// Day shift.
    Day,
    /// Evening shift.
    Evening,
    /// Night shift.
    Night,
    /// Rotating shifts.
    Rotating,
}

/// One member who takes part in a round.
#[derive(Debug, Clone)]
pub struct Participant {
    /// The store's participant row id.
    pub id: Pid,
    /// Peer, mentor or mentee.
    pub role: Role,
    /// Specialty code as in the directory vocabulary ("microbiology", "phlebotomy", ...).
    pub specialty: Option<String>,
    /// Two-letter state code.
    pub state: Option<String>,
    /// The shift they work.
    pub shift: Option<Shift>,
    /// Lowercase words.
    pub interests: Vec<String>,
    /// Mentors: mentees this round (>= 1; 0 takes none); ignored for others.
    pub capacity: u8,
    /// Left out of the previous round: chooses first this round.
    pub left_out_last_round: bool,
}

/// Something every member of a group has in common.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shared {
    /// The same specialty code.
    Specialty(String),
    /// The same shift.
    Shift(Shift),
    /// The same state.
    State(String),
    /// An interest they all listed.
    Interest(String),
}

/// Who meets: 2 members, or 3 (a trio of peers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The members; for a mentor and mentee, the mentor first.
    pub members: Vec<Pid>,
    /// The mentor, for a mentor-mentee pair.
    pub mentor: Option<Pid>,
    /// What all members share, in the order specialty, shift, state, interests (sorted).
    pub shared: Vec<Shared>,
}

/// Why someone is not in a group this round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeftOut {
    /// Nobody could take them (no other peer, no mentor at all, or every group is full).
    NoPartner,
    /// A mentee with no mentor of their specialty who has room this round.
    NoMentorInSpecialty,
    /// Everyone who could take them met them within six months.
    OnlyRecentPartners,
}

/// The outcome of a round.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// Who meets whom.
    pub groups: Vec<Group>,
    /// Who does not, and why.
    pub left_out: Vec<(Pid, LeftOut)>,
    /// Mentors with no mentee this round.
    pub mentors_unused: Vec<Pid>,
}

/// How many free, non-recent candidates a participant weighs in a bucket before choosing the
/// best of them. Larger finds slightly better fits at a linear cost.
pub const WINDOW: usize = 48;

/// Plans a round.
///
/// `recent(a, b)`: true when a and b were paired within six months (either order).
pub fn plan(participants: &[Participant], recent: &dyn Fn(Pid, Pid) -> bool, seed: u64) -> Plan {
    let mut out = Plan::default();
    let mut order: Vec<usize> = (0..participants.len()).collect();
    // The seed decides ties, by a hash of (seed, id): independent of the input order.
    let rank = |i: usize| mix(seed ^ mix(participants[i].id as u64));
    order.sort_by_key(|&i| {
        (
            !participants[i].left_out_last_round,
            rank(i),
            participants[i].id,
        )
    });
    let of_role = |role: Role| -> Vec<usize> {
        order
            .iter()
            .copied()
            .filter(|&i| participants[i].role == role)
            .collect()
    };
    let mentees = {
        // Mentees with a specialty have fewer mentors to choose from: they go before those
        // without (keeping those left out last round first).
        let mut m = of_role(Role::Mentee);
        m.sort_by_key(|&i| {
            let p = &participants[i];
            (!p.left_out_last_round, p.specialty.is_none())
        });
        m
    };
    mentoring(
        participants,
        recent,
        &of_role(Role::Mentor),
        &mentees,
        &mut out,
    );
    Peers::new(participants, recent, of_role(Role::Peer)).run(&mut out);
    out
}

/// SplitMix64's finaliser: a well-mixed 64-bit hash.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// How well two participants fit, compared in the order of the rules: specialty, then shift,
/// then the number of shared interests, then state.
fn score(a: &Participant, b: &Participant) -> u32 {
    let same =
        |x: &Option<String>, y: &Option<String>| matches!((x, y), (Some(x), Some(y)) if x == y);
    let specialty = u32::from(same(&a.specialty, &b.specialty));
    let shift = u32::from(a.shift.is_some() && a.shift == b.shift);
    let interests = common_interests(&[a, b]).len().min(255) as u32;
    let state = u32::from(same(&a.state, &b.state));
    (specialty << 10) | (shift << 9) | (interests << 1) | state
}

/// The interests every one of `people` listed, sorted and once each.
fn common_interests(people: &[&Participant]) -> Vec<String> {
    let Some((first, rest)) = people.split_first() else {
        return Vec::new();
    };
    let mut words: Vec<String> = first
        .interests
        .iter()
        .filter(|w| rest.iter().all(|p| p.interests.contains(w)))
        .cloned()
        .collect();
    words.sort();
    words.dedup();
    words
}

/// What every one of `people` has in common.
fn shared(people: &[&Participant]) -> Vec<Shared> {
    let mut out = Vec::new();
    let first = people[0];
    if let Some(s) = &first.specialty
        && people.iter().all(|p| p.specialty.as_ref() == Some(s))
    {
        out.push(Shared::Specialty(s.clone()));
    }
    if let Some(s) = first.shift
        && people.iter().all(|p| p.shift == Some(s))
    {
        out.push(Shared::Shift(s));
    }
    if let Some(s) = &first.state
        && people.iter().all(|p| p.state.as_ref() == Some(s))
    {
        out.push(Shared::State(s.clone()));
    }
    out.extend(common_interests(people).into_iter().map(Shared::Interest));
    out
}

/// Builds a group of the given participants (indices), with what they share.
fn group(participants: &[Participant], members: &[usize], mentor: Option<usize>) -> Group {
    let people: Vec<&Participant> = members.iter().map(|&i| &participants[i]).collect();
    Group {
        members: people.iter().map(|p| p.id).collect(),
        mentor: mentor.map(|i| participants[i].id),
        shared: shared(&people),
    }
}

/// Indices in choosing order, of which some are taken: scanning skips the taken ones and the
/// list is compacted when too many were skipped.
#[derive(Default)]
struct Bucket {
    items: Vec<usize>,
    /// Everything before this position is taken.
    start: usize,
}

impl Bucket {
    /// The best of the first [`WINDOW`] candidates other than `me` that `usable` (still free)
    /// accepts and `fine` (not a recent pair) lets through, by `fit`; `None` when there is
    /// none. Also says whether some free candidate was refused only for being recent.
    fn best(
        &mut self,
        me: usize,
        usable: impl Fn(usize) -> bool,
        fine: impl Fn(usize) -> bool,
        fit: impl Fn(usize) -> u64,
    ) -> (Option<usize>, bool) {
        while self.start < self.items.len() && !usable(self.items[self.start]) {
            self.start += 1;
        }
        let (mut best, mut best_fit, mut seen, mut skipped, mut refused) = (None, 0, 0, 0, false);
        for &c in &self.items[self.start..] {
            if c == me {
                continue;
            }
            if !usable(c) {
                skipped += 1;
                continue;
            }
            if !fine(c) {
                refused = true;
                continue;
            }
            let f = fit(c);
            if best.is_none() || f > best_fit {
                (best, best_fit) = (Some(c), f);
            }
            seen += 1;
            if seen == WINDOW {
                break;
            }
        }
        if skipped > 2 * WINDOW {
            self.items.retain(|&c| usable(c));
            self.start = 0;
        }
        (best, refused)
    }
}

/// Buckets by key, with the key's bucket made on first use.
struct Buckets<K> {
    index: HashMap<K, usize>,
    all: Vec<Bucket>,
}

impl<K: std::hash::Hash + Eq> Buckets<K> {
    fn new() -> Self {
        Self {
            index: HashMap::new(),
            all: Vec::new(),
        }
    }
    fn add(&mut self, key: K, item: usize) -> usize {
        let all = &mut self.all;
        let b = *self.index.entry(key).or_insert_with(|| {
            all.push(Bucket::default());
            all.len() - 1
        });
        self.all[b].items.push(item);
        b
    }
    fn get(&self, key: &K) -> Option<usize> {
        self.index.get(key).copied()
    }
}

/// Gives each mentee a mentor (or a reason), and lists the mentors left without one.
fn mentoring(
    participants: &[Participant],
    recent: &dyn Fn(Pid, Pid) -> bool,
    mentors: &[usize],
    mentees: &[usize],
    out: &mut Plan,
) {
    let mut room: HashMap<usize, u8> = mentors
        .iter()
        .map(|&m| (m, participants[m].capacity))
        .collect();
    let mut by_specialty: Buckets<&str> = Buckets::new();
    let mut everyone = Bucket::default();
    for &m in mentors {
        if participants[m].capacity == 0 {
            continue;
        }
        if let Some(s) = &participants[m].specialty {
            by_specialty.add(s.as_str(), m);
        }
        everyone.items.push(m);
    }
    for &e in mentees {
        let mentee = &participants[e];
        let bucket = match &mentee.specialty {
            Some(s) => by_specialty
                .get(&s.as_str())
                .map(|b| &mut by_specialty.all[b]),
            None => Some(&mut everyone),
        };
        let Some(bucket) = bucket else {
            out.left_out.push((mentee.id, LeftOut::NoMentorInSpecialty));
            continue;
        };
        // Best fit first; among equals, the mentor with the most room left (spreads mentees).
        let (best, refused) = bucket.best(
            usize::MAX,
            |m| room[&m] > 0,
            |m| !recent(mentee.id, participants[m].id),
            |m| (u64::from(score(mentee, &participants[m])) << 8) | u64::from(room[&m]),
        );
        match best {
            Some(m) => {
                *room.get_mut(&m).expect("every mentor has a room entry") -= 1;
                out.groups.push(group(participants, &[m, e], Some(m)));
            }
            None if refused => out.left_out.push((mentee.id, LeftOut::OnlyRecentPartners)),
            None if mentee.specialty.is_some() => {
                out.left_out.push((mentee.id, LeftOut::NoMentorInSpecialty));
            }
            None => out.left_out.push((mentee.id, LeftOut::NoPartner)),
        }
    }
    out.mentors_unused.extend(
        mentors
            .iter()
            .filter(|m| room[m] == participants[**m].capacity)
            .map(|&m| participants[m].id),
    );
}

/// The kinds of bucket, narrowest first.
#[derive(Debug, Clone, Copy)]
enum Tier {
    Both,
    Specialty,
    Shift,
    Everyone,
}

/// The peers' side of a round.
struct Peers<'a> {
    participants: &'a [Participant],
    recent: &'a dyn Fn(Pid, Pid) -> bool,
    /// Peers in choosing order.
    order: Vec<usize>,
    /// Peer groups as participant indices.
    groups: Vec<Vec<usize>>,
    /// Specialty and shift, specialty, shift, everyone.
    by_both: Buckets<(&'a str, Shift)>,
    by_specialty: Buckets<&'a str>,
    by_shift: Buckets<Shift>,
    everyone: Bucket,
}

impl<'a> Peers<'a> {
    fn new(
        participants: &'a [Participant],
        recent: &'a dyn Fn(Pid, Pid) -> bool,
        order: Vec<usize>,
    ) -> Self {
        let mut peers = Self {
            participants,
            recent,
            order,
            groups: Vec::new(),
            by_both: Buckets::new(),
            by_specialty: Buckets::new(),
            by_shift: Buckets::new(),
            everyone: Bucket::default(),
        };
        for &i in &peers.order {
            let p = &participants[i];
            if let (Some(s), Some(t)) = (&p.specialty, p.shift) {
                peers.by_both.add((s.as_str(), t), i);
            }
            if let Some(s) = &p.specialty {
                peers.by_specialty.add(s.as_str(), i);
            }
            if let Some(t) = p.shift {
                peers.by_shift.add(t, i);
            }
            peers.everyone.items.push(i);
        }
        peers
    }

    fn recent(&self, a: usize, b: usize) -> bool {
        (self.recent)(self.participants[a].id, self.participants[b].id)
    }

    /// Pairs everyone it can, then places the rest in trios, swaps in those left out last
    /// round, and writes the groups and those left out to `out`.
    fn run(mut self, out: &mut Plan) {
        // One pass per kind of bucket, narrowest first: everyone who can meet someone of
        // their specialty and shift does, before anyone settles for less. (One pass taking
        // each one's best bucket would let an odd one out of a specialty take a partner from
        // another specialty who had a match of their own.)
        let mut placed = vec![false; self.participants.len()];
        for tier in [Tier::Both, Tier::Specialty, Tier::Shift, Tier::Everyone] {
            for k in 0..self.order.len() {
                let i = self.order[k];
                if placed[i] {
                    continue;
                }
                if let Some(j) = self.partner(i, tier, &placed) {
                    (placed[i], placed[j]) = (true, true);
                    self.place(vec![i, j]);
                }
            }
        }
        let unplaced: Vec<usize> = self.order.iter().copied().filter(|&i| !placed[i]).collect();
        let mut left = Vec::new();
        // A queue: someone swapped out for a peer left out last round gets their own turn.
        let mut queue: std::collections::VecDeque<usize> = unplaced.into();
        while let Some(u) = queue.pop_front() {
            if let Some(j) = queue.iter().position(|&v| !self.recent(u, v)) {
                let v = queue.remove(j).expect("position is in the queue");
                self.place(vec![u, v]);
            } else if let Some(g) = self.trio_for(u) {
                self.groups[g].push(u);
            } else if let Some(x) = self.swap_for(u) {
                queue.push_back(x);
            } else {
                left.push(u);
            }
        }
        for members in &self.groups {
            out.groups.push(group(self.participants, members, None));
        }
        // A pair with room for a third, or another peer left out, means a recent pair is what
        // kept them apart; otherwise there was nobody (no other peer, or only full trios).
        let room = left.len() > 1 || self.groups.iter().any(|g| g.len() == 2);
        let why = if room {
            LeftOut::OnlyRecentPartners
        } else {
            LeftOut::NoPartner
        };
        for u in left {
            out.left_out.push((self.participants[u].id, why.clone()));
        }
    }

    fn place(&mut self, members: Vec<usize>) {
        self.groups.push(members);
    }

    /// The best free partner for `i` in its bucket of this tier, if it has one.
    fn partner(&mut self, i: usize, tier: Tier, placed: &[bool]) -> Option<usize> {
        let (participants, recent) = (self.participants, self.recent);
        let p = &participants[i];
        let bucket = match (tier, &p.specialty, p.shift) {
            (Tier::Both, Some(s), Some(t)) => {
                let b = self.by_both.get(&(s.as_str(), t))?;
                &mut self.by_both.all[b]
            }
            (Tier::Specialty, Some(s), _) => {
                let b = self.by_specialty.get(&s.as_str())?;
                &mut self.by_specialty.all[b]
            }
            (Tier::Shift, _, Some(t)) => {
                let b = self.by_shift.get(&t)?;
                &mut self.by_shift.all[b]
            }
            (Tier::Everyone, _, _) => &mut self.everyone,
            _ => return None,
        };
        let usable = |c: usize| !placed[c];
        let fine = |c: usize| !recent(p.id, participants[c].id);
        let fit = |c: usize| u64::from(score(p, &participants[c]));
        bucket.best(i, usable, fine, fit).0
    }

    /// The best pair of peers that can take `u` as a third: nobody in it a recent pair of
    /// `u`'s. Pairs are few by then only in odd cases, so this looks at all of them.
    fn trio_for(&self, u: usize) -> Option<usize> {
        let p = &self.participants[u];
        self.groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.len() == 2 && g.iter().all(|&m| !self.recent(u, m)))
            .max_by_key(|&(g, members)| {
                let fit: u32 = members
                    .iter()
                    .map(|&m| score(p, &self.participants[m]))
                    .sum();
                (fit, std::cmp::Reverse(g))
            })
            .map(|(g, _)| g)
    }

    /// For `u`, left out last round and placed nowhere else: takes the place of a pair member
    /// who was not left out last round, next to a partner who is not a recent pair of `u`'s.
    /// Returns the one who made room, to be placed in turn.
    fn swap_for(&mut self, u: usize) -> Option<usize> {
        if !self.participants[u].left_out_last_round {
            return None;
        }
        let p = &self.participants[u];
        let this = &*self;
        let (g, slot) = this
            .groups
            .iter()
            .enumerate()
            .filter(|(_, members)| members.len() == 2)
            .flat_map(|(g, members)| {
                (0..2).filter_map(move |slot| {
                    let (out, stay) = (members[slot], members[1 - slot]);
                    let ok = !this.participants[out].left_out_last_round && !this.recent(u, stay);
                    ok.then(|| (g, slot, score(p, &this.participants[stay])))
                })
            })
            .max_by_key(|&(g, slot, fit)| (fit, std::cmp::Reverse((g, slot))))
            .map(|(g, slot, _)| (g, slot))?;
        Some(std::mem::replace(&mut self.groups[g][slot], u))
    }
}

#[cfg(test)]
mod tests;

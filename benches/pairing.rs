//! The pairing matcher (issue 16) on 10,000 participants: 75 % peers, 20 % mentees, 5 % mentors
//! (capacity 1 to 4), 12 specialties, four shifts, 50 states and a few interests each (a tenth
//! of them with no specialty or no shift); a random 20 % of each participant's ten nearest
//! neighbours in the same specialty (by id) met them recently. Prints the time of one round
//! (the best and the median of several), and what the plan looks like: groups, trios, the share
//! of groups that share a specialty (and a shift), who is left out and why.
//!
//! Run: `cargo bench --bench pairing` (a few seconds). `LABCIRCLE_BENCH_QUICK=1` runs fewer
//! rounds.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use labcircle::domain::pairing::{self, LeftOut, Participant, Pid, Plan, Role, Shared, Shift};

const PARTICIPANTS: usize = 10_000;

/// A small deterministic generator, so every run measures the same round.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() as usize) % n
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const SPECIALTIES: [&str; 12] = [
    "chemistry",
    "hematology",
    "microbiology",
    "blood-bank",
    "immunology",
    "molecular",
    "cytology",
    "histology",
    "phlebotomy",
    "point-of-care",
    "quality",
    "lab-management",
];
const SHIFTS: [Shift; 4] = [Shift::Day, Shift::Evening, Shift::Night, Shift::Rotating];
const INTERESTS: [&str; 20] = [
    "hiking",
    "baking",
    "chess",
    "running",
    "gardening",
    "reading",
    "gaming",
    "music",
    "cycling",
    "yoga",
    "travel",
    "photography",
    "cooking",
    "knitting",
    "teaching",
    "research",
    "automation",
    "leadership",
    "certification",
    "writing",
];

fn participants(rng: &mut Lcg) -> Vec<Participant> {
    (0..PARTICIPANTS)
        .map(|n| {
            let role = match rng.below(100) {
                0..75 => Role::Peer,
                75..95 => Role::Mentee,
                _ => Role::Mentor,
            };
            Participant {
                id: n as Pid + 1,
                role,
                specialty: (!rng.chance(10)).then(|| SPECIALTIES[rng.below(12)].to_string()),
                state: Some(format!("S{}", rng.below(50))),
                shift: (!rng.chance(10)).then(|| SHIFTS[rng.below(4)]),
                interests: (0..rng.below(4))
                    .map(|_| INTERESTS[rng.below(20)].to_string())
                    .collect(),
                capacity: 1 + rng.below(4) as u8,
                left_out_last_round: rng.chance(2),
            }
        })
        .collect()
}

/// A random 20 % of each participant's ten nearest neighbours in their specialty (by id): the
/// pairs a matcher is most tempted to repeat.
fn recent_pairs(people: &[Participant], rng: &mut Lcg) -> HashSet<(Pid, Pid)> {
    let mut by_specialty: HashMap<Option<&str>, Vec<Pid>> = HashMap::new();
    for p in people {
        by_specialty
            .entry(p.specialty.as_deref())
            .or_default()
            .push(p.id);
    }
    let mut keys: Vec<_> = by_specialty.keys().copied().collect();
    keys.sort();
    let mut pairs = HashSet::new();
    for key in keys {
        let ids = &by_specialty[&key];
        for (k, &a) in ids.iter().enumerate() {
            for &b in ids.iter().skip(k + 1).take(10) {
                if rng.chance(20) {
                    pairs.insert((a.min(b), a.max(b)));
                }
            }
        }
    }
    pairs
}

fn main() {
    let quick = std::env::var_os("LABCIRCLE_BENCH_QUICK").is_some();
    let mut rng = Lcg(20261202);
    let people = participants(&mut rng);
    let pairs = recent_pairs(&people, &mut rng);
    let recent = |a: Pid, b: Pid| pairs.contains(&(a.min(b), a.max(b)));

    let rounds = if quick { 3 } else { 15 };
    let mut times: Vec<Duration> = Vec::new();
    let mut last = Plan::default();
    for seed in 0..rounds {
        let started = Instant::now();
        last = pairing::plan(&people, &recent, seed);
        times.push(started.elapsed());
    }
    times.sort();
    check(&people, &recent, &last);

    let count = |role| people.iter().filter(|p| p.role == role).count();
    println!(
        "pairing: {PARTICIPANTS} participants ({} peers, {} mentees, {} mentors), {} recent pairs",
        count(Role::Peer),
        count(Role::Mentee),
        count(Role::Mentor),
        pairs.len()
    );
    println!(
        "  one round: best {:.1} ms, median {:.1} ms over {rounds} seeds (target: under 1 s)",
        ms(times[0]),
        ms(times[times.len() / 2])
    );
    let groups = last.groups.len();
    let share = |f: &dyn Fn(&pairing::Group) -> bool| {
        100.0 * last.groups.iter().filter(|g| f(g)).count() as f64 / groups.max(1) as f64
    };
    let has = |g: &pairing::Group, f: fn(&Shared) -> bool| g.shared.iter().any(f);
    let specialty = |g: &pairing::Group| has(g, |s| matches!(s, Shared::Specialty(_)));
    let shift = |g: &pairing::Group| has(g, |s| matches!(s, Shared::Shift(_)));
    let peers = |g: &pairing::Group| g.mentor.is_none();
    println!(
        "  {groups} groups: {} peer pairs, {} trios, {} mentor-mentee pairs",
        last.groups
            .iter()
            .filter(|g| peers(g) && g.members.len() == 2)
            .count(),
        last.groups.iter().filter(|g| g.members.len() == 3).count(),
        last.groups.iter().filter(|g| !peers(g)).count()
    );
    println!(
        "  share of groups with a shared specialty: {:.1} % (peer groups {:.1} %); \
         specialty and shift: {:.1} %",
        share(&specialty),
        100.0
            * last
                .groups
                .iter()
                .filter(|g| peers(g) && specialty(g))
                .count() as f64
            / last.groups.iter().filter(|g| peers(g)).count().max(1) as f64,
        share(&|g| specialty(g) && shift(g))
    );
    let why = |r: LeftOut| last.left_out.iter().filter(|(_, w)| *w == r).count();
    println!(
        "  left out: {} (no partner {}, no mentor in specialty {}, only recent partners {}); \
         mentors unused: {}",
        last.left_out.len(),
        why(LeftOut::NoPartner),
        why(LeftOut::NoMentorInSpecialty),
        why(LeftOut::OnlyRecentPartners),
        last.mentors_unused.len()
    );
    let twice = last
        .left_out
        .iter()
        .filter(|(id, _)| people.iter().any(|p| p.id == *id && p.left_out_last_round))
        .count();
    println!(
        "  left out last round too: {twice} of {}",
        people.iter().filter(|p| p.left_out_last_round).count()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The plan keeps the rules: everyone once, no recent pair, no mentor above capacity.
fn check(people: &[Participant], recent: &dyn Fn(Pid, Pid) -> bool, plan: &Plan) {
    let mut seen: HashSet<Pid> = HashSet::new();
    let mut mentees_of: HashMap<Pid, u8> = HashMap::new();
    for g in &plan.groups {
        for (k, &a) in g.members.iter().enumerate() {
            assert!(
                g.members[k + 1..].iter().all(|&b| !recent(a, b)),
                "a recent pair"
            );
            if g.mentor != Some(a) {
                assert!(seen.insert(a), "{a} placed twice");
            }
        }
        if let Some(m) = g.mentor {
            *mentees_of.entry(m).or_default() += 1;
        }
    }
    for id in mentees_of.keys().chain(plan.mentors_unused.iter()) {
        assert!(seen.insert(*id), "{id} placed twice");
    }
    for (id, _) in &plan.left_out {
        assert!(seen.insert(*id), "{id} placed twice");
    }
    assert_eq!(seen.len(), people.len(), "everyone appears");
    for p in people {
        if let Some(&n) = mentees_of.get(&p.id) {
            assert!(n <= p.capacity, "mentor above capacity");
        }
    }
}

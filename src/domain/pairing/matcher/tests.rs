use std::collections::{HashMap, HashSet};

use proptest::prelude::*;

use super::*;

fn someone(id: Pid, role: Role, specialty: Option<&str>, shift: Option<Shift>) -> Participant {
    Participant {
        id,
        role,
        specialty: specialty.map(str::to_string),
        state: None,
        shift,
        interests: Vec::new(),
        capacity: 1,
        left_out_last_round: false,
    }
}

fn peer(id: Pid, specialty: &str) -> Participant {
    someone(id, Role::Peer, Some(specialty), None)
}

fn mentor(id: Pid, specialty: &str, capacity: u8) -> Participant {
    Participant {
        capacity,
        ..someone(id, Role::Mentor, Some(specialty), None)
    }
}

fn mentee(id: Pid, specialty: Option<&str>) -> Participant {
    someone(id, Role::Mentee, specialty, None)
}

fn left_out_last_time(p: Participant) -> Participant {
    Participant {
        left_out_last_round: true,
        ..p
    }
}

fn never(_: Pid, _: Pid) -> bool {
    false
}

/// A `recent` that says yes for exactly these pairs, in either order.
fn recent_pairs(pairs: &[(Pid, Pid)]) -> impl Fn(Pid, Pid) -> bool + use<> {
    let set: HashSet<(Pid, Pid)> = pairs.iter().map(|&(a, b)| (a.min(b), a.max(b))).collect();
    move |a, b| set.contains(&(a.min(b), a.max(b)))
}

/// The members of each group, sorted, and the groups sorted: for comparing who met whom.
fn who_met(plan: &Plan) -> Vec<Vec<Pid>> {
    let mut groups: Vec<Vec<Pid>> = plan
        .groups
        .iter()
        .map(|g| {
            let mut m = g.members.clone();
            m.sort();
            m
        })
        .collect();
    groups.sort();
    groups
}

fn group_of(plan: &Plan, id: Pid) -> Option<&Group> {
    plan.groups.iter().find(|g| g.members.contains(&id))
}

fn reason(plan: &Plan, id: Pid) -> Option<LeftOut> {
    plan.left_out
        .iter()
        .find(|(p, _)| *p == id)
        .map(|(_, r)| r.clone())
}

/// Checks the rules every plan keeps, and panics with what broke.
fn check(participants: &[Participant], recent: &dyn Fn(Pid, Pid) -> bool, plan: &Plan) {
    // A mentor is in one group per mentee (each pair its own group): named once here.
    let mentors: HashSet<Pid> = plan.groups.iter().filter_map(|g| g.mentor).collect();
    let mut seen: HashMap<Pid, usize> = HashMap::new();
    let ids = plan
        .groups
        .iter()
        .flat_map(|g| g.members.iter().copied().filter(|id| g.mentor != Some(*id)))
        .chain(mentors)
        .chain(plan.left_out.iter().map(|(p, _)| *p))
        .chain(plan.mentors_unused.iter().copied());
    for id in ids {
        *seen.entry(id).or_default() += 1;
    }
    for p in participants {
        assert_eq!(
            seen.remove(&p.id),
            Some(1),
            "{} must appear exactly once",
            p.id
        );
    }
    assert!(seen.is_empty(), "the plan names strangers: {seen:?}");
    let by_id: HashMap<Pid, &Participant> = participants.iter().map(|p| (p.id, p)).collect();
    let mut mentees_of: HashMap<Pid, u8> = HashMap::new();
    for g in &plan.groups {
        assert!((2..=3).contains(&g.members.len()), "group size: {g:?}");
        for (k, &a) in g.members.iter().enumerate() {
            for &b in &g.members[k + 1..] {
                assert!(
                    !recent(a, b),
                    "{a} and {b} met recently but meet again: {g:?}"
                );
            }
        }
        match g.mentor {
            Some(m) => {
                assert_eq!(g.members.len(), 2, "a mentor meets one mentee at a time");
                assert_eq!(g.members[0], m);
                let (tutor, student) = (by_id[&m], by_id[&g.members[1]]);
                assert_eq!((tutor.role, student.role), (Role::Mentor, Role::Mentee));
                if student.specialty.is_some() {
                    assert_eq!(
                        tutor.specialty, student.specialty,
                        "mentor of another specialty"
                    );
                }
                *mentees_of.entry(m).or_default() += 1;
            }
            None => {
                for id in &g.members {
                    assert_eq!(
                        by_id[id].role,
                        Role::Peer,
                        "only peers meet as peers: {g:?}"
                    );
                }
            }
        }
    }
    for (m, n) in mentees_of {
        assert!(
            n <= by_id[&m].capacity,
            "mentor {m} has {n} mentees, above capacity"
        );
    }
}

#[test]
fn peers_who_share_a_specialty_are_paired_together() {
    let people = [
        peer(1, "microbiology"),
        peer(2, "phlebotomy"),
        peer(3, "microbiology"),
        peer(4, "phlebotomy"),
    ];
    for seed in 0..20 {
        let plan = plan(&people, &never, seed);
        check(&people, &never, &plan);
        assert_eq!(who_met(&plan), vec![vec![1, 3], vec![2, 4]], "seed {seed}");
        let micro = group_of(&plan, 1).expect("1 is paired");
        assert_eq!(micro.shared, vec![Shared::Specialty("microbiology".into())]);
    }
}

#[test]
fn with_no_shared_specialty_a_shared_shift_comes_next_then_interests_then_state() {
    let night = |id, state: &str, interests: &[&str]| Participant {
        state: Some(state.into()),
        interests: interests.iter().map(|w| w.to_string()).collect(),
        ..someone(id, Role::Peer, None, Some(Shift::Night))
    };
    let people = [
        night(1, "OH", &["hiking"]),
        someone(2, Role::Peer, None, Some(Shift::Day)),
        night(3, "TX", &["hiking", "baking"]),
        someone(4, Role::Peer, None, Some(Shift::Day)),
        night(5, "OH", &["baking"]),
        night(6, "TX", &["chess"]),
    ];
    for seed in 0..20 {
        let plan = plan(&people, &never, seed);
        check(&people, &never, &plan);
        assert!(
            who_met(&plan).contains(&vec![2, 4]),
            "the day shift meets: seed {seed}"
        );
        let shared = &group_of(&plan, 2).expect("paired").shared;
        assert_eq!(shared, &vec![Shared::Shift(Shift::Day)]);
    }
    // 1 chooses first among the night shift (left out last time): 3 shares an interest, 5 a
    // state; the interest wins.
    let mut first = people.clone();
    first[0].left_out_last_round = true;
    let plan = plan(&first, &never, 0);
    let shared = &group_of(&plan, 1).expect("paired").shared;
    assert_eq!(
        shared,
        &vec![
            Shared::Shift(Shift::Night),
            Shared::Interest("hiking".into())
        ]
    );
}

#[test]
fn a_mentee_gets_a_mentor_of_their_specialty() {
    let people = [
        mentor(1, "phlebotomy", 3),
        mentor(2, "microbiology", 3),
        mentee(3, Some("microbiology")),
        mentee(4, Some("phlebotomy")),
    ];
    let plan = plan(&people, &never, 7);
    check(&people, &never, &plan);
    let g = group_of(&plan, 3).expect("the microbiology mentee has a mentor");
    assert_eq!((g.mentor, g.members.clone()), (Some(2), vec![2, 3]));
    assert_eq!(group_of(&plan, 4).expect("paired").mentor, Some(1));
}

#[test]
fn a_mentee_without_a_specialty_gets_any_mentor() {
    let people = [mentor(1, "histology", 1), mentee(2, None)];
    let plan = plan(&people, &never, 0);
    check(&people, &never, &plan);
    assert_eq!(group_of(&plan, 2).expect("paired").mentor, Some(1));
}

#[test]
fn a_mentee_with_no_mentor_of_their_specialty_is_told_so() {
    let people = [mentor(1, "histology", 2), mentee(2, Some("cytology"))];
    let plan = plan(&people, &never, 0);
    check(&people, &never, &plan);
    assert_eq!(reason(&plan, 2), Some(LeftOut::NoMentorInSpecialty));
    assert_eq!(plan.mentors_unused, vec![1]);
}

#[test]
fn a_mentor_never_gets_more_mentees_than_their_capacity() {
    let mut people = vec![mentor(1, "chemistry", 2)];
    people.extend((2..=5).map(|id| mentee(id, Some("chemistry"))));
    let plan = plan(&people, &never, 3);
    check(&people, &never, &plan);
    assert_eq!(
        plan.groups.iter().filter(|g| g.mentor == Some(1)).count(),
        2
    );
    assert_eq!(plan.left_out.len(), 2);
    assert!(
        plan.left_out
            .iter()
            .all(|(_, r)| *r == LeftOut::NoMentorInSpecialty)
    );
}

#[test]
fn mentees_are_spread_over_mentors_rather_than_filling_one() {
    let people = [
        mentor(1, "chemistry", 3),
        mentor(2, "chemistry", 3),
        mentee(3, Some("chemistry")),
        mentee(4, Some("chemistry")),
    ];
    let plan = plan(&people, &never, 11);
    let mentors: HashSet<Option<Pid>> = plan.groups.iter().map(|g| g.mentor).collect();
    assert_eq!(mentors, HashSet::from([Some(1), Some(2)]));
}

#[test]
fn mentors_never_pair_with_each_other_and_are_listed_unused() {
    let people = [mentor(1, "chemistry", 1), mentor(2, "chemistry", 1)];
    let plan = plan(&people, &never, 0);
    check(&people, &never, &plan);
    assert!(plan.groups.is_empty());
    let mut unused = plan.mentors_unused.clone();
    unused.sort();
    assert_eq!(unused, vec![1, 2]);
}

#[test]
fn a_pair_that_met_recently_is_never_paired_again() {
    let people = [
        peer(1, "microbiology"),
        peer(2, "microbiology"),
        peer(3, "phlebotomy"),
        peer(4, "phlebotomy"),
    ];
    let recent = recent_pairs(&[(1, 2), (3, 4)]);
    for seed in 0..20 {
        let plan = plan(&people, &recent, seed);
        check(&people, &recent, &plan);
        assert_eq!(plan.groups.len(), 2, "seed {seed}");
        assert!(plan.left_out.is_empty());
    }
}

#[test]
fn a_mentee_whose_only_mentor_met_them_recently_is_told_so() {
    let people = [mentor(1, "histology", 2), mentee(2, Some("histology"))];
    let recent = recent_pairs(&[(1, 2)]);
    let plan = plan(&people, &recent, 0);
    check(&people, &recent, &plan);
    assert_eq!(reason(&plan, 2), Some(LeftOut::OnlyRecentPartners));
}

#[test]
fn an_odd_peer_makes_a_trio_with_the_best_fitting_pair() {
    let people = [
        peer(1, "phlebotomy"),
        peer(2, "phlebotomy"),
        peer(3, "microbiology"),
        peer(4, "microbiology"),
        peer(5, "microbiology"),
    ];
    for seed in 0..20 {
        let plan = plan(&people, &never, seed);
        check(&people, &never, &plan);
        assert_eq!(
            who_met(&plan),
            vec![vec![1, 2], vec![3, 4, 5]],
            "seed {seed}"
        );
        assert!(plan.left_out.is_empty());
    }
}

#[test]
fn a_trio_never_holds_a_recent_pair() {
    let people = [
        peer(1, "microbiology"),
        peer(2, "microbiology"),
        peer(3, "phlebotomy"),
        peer(4, "phlebotomy"),
        peer(5, "microbiology"),
    ];
    // 5 met 1 and 2: the trio is with 3 and 4 (or 5 pairs with one of them, the odd one joins
    // another pair); either way no recent pair meets again.
    let recent = recent_pairs(&[(5, 1), (5, 2)]);
    for seed in 0..20 {
        let plan = plan(&people, &recent, seed);
        check(&people, &recent, &plan);
        assert!(plan.left_out.is_empty(), "seed {seed}: {plan:?}");
    }
}

#[test]
fn a_lone_peer_is_left_out_with_no_partner() {
    let people = [peer(1, "microbiology"), mentor(2, "microbiology", 1)];
    let plan = plan(&people, &never, 0);
    check(&people, &never, &plan);
    assert_eq!(reason(&plan, 1), Some(LeftOut::NoPartner));
}

#[test]
fn a_peer_who_met_everyone_recently_is_told_so() {
    let people = [peer(1, "a"), peer(2, "a"), peer(3, "a")];
    let recent = recent_pairs(&[(1, 2), (1, 3)]);
    let plan = plan(&people, &recent, 0);
    check(&people, &recent, &plan);
    assert_eq!(who_met(&plan), vec![vec![2, 3]]);
    assert_eq!(reason(&plan, 1), Some(LeftOut::OnlyRecentPartners));
}

#[test]
fn someone_left_out_last_round_chooses_first() {
    let people = [
        mentor(1, "cytology", 1),
        mentee(2, Some("cytology")),
        left_out_last_time(mentee(3, Some("cytology"))),
        mentee(4, Some("cytology")),
    ];
    for seed in 0..20 {
        let plan = plan(&people, &never, seed);
        check(&people, &never, &plan);
        assert_eq!(
            group_of(&plan, 3).expect("3 has the mentor").mentor,
            Some(1)
        );
    }
}

#[test]
fn nobody_is_left_out_twice_in_a_row_when_a_match_exists() {
    // 2 would rather meet 3 (same specialty), but 1, left out last time, can meet only 2:
    // 1 takes 3's place and 3, who met someone last round, is the one left out.
    let people = [
        left_out_last_time(peer(1, "histology")),
        left_out_last_time(peer(2, "microbiology")),
        peer(3, "microbiology"),
    ];
    let recent = recent_pairs(&[(1, 3)]);
    for seed in 0..40 {
        let plan = plan(&people, &recent, seed);
        check(&people, &recent, &plan);
        assert_eq!(who_met(&plan), vec![vec![1, 2]], "seed {seed}");
        assert_eq!(reason(&plan, 3), Some(LeftOut::OnlyRecentPartners));
    }
}

#[test]
fn everyone_appears_exactly_once() {
    let mut people = Vec::new();
    for id in 0..60 {
        let specialty = ["chemistry", "hematology", "microbiology"][id as usize % 3];
        let mut p = match id % 5 {
            0 => mentor(id, specialty, (id % 3) as u8),
            1 | 2 => mentee(id, (id % 4 != 0).then_some(specialty)),
            _ => peer(id, specialty),
        };
        p.left_out_last_round = id % 7 == 0;
        people.push(p);
    }
    let recent = recent_pairs(&[(3, 8), (4, 9), (13, 18), (1, 10)]);
    let plan = plan(&people, &recent, 42);
    check(&people, &recent, &plan);
}

#[test]
fn the_same_seed_gives_the_same_plan_whatever_the_input_order() {
    let people: Vec<Participant> = (1..=30)
        .map(|id| peer(id, ["a", "b"][id as usize % 2]))
        .collect();
    let mut reversed = people.clone();
    reversed.reverse();
    let first = plan(&people, &never, 9);
    assert_eq!(first, plan(&people, &never, 9));
    assert_eq!(first, plan(&reversed, &never, 9));
    let others: HashSet<Vec<Vec<Pid>>> = (0..10)
        .map(|s| who_met(&plan(&people, &never, s)))
        .collect();
    assert!(others.len() > 1, "another seed gives other pairs");
}

fn arbitrary_round() -> impl Strategy<Value = (Vec<Participant>, Vec<(Pid, Pid)>, u64)> {
    let one = (
        0..3u8,
        proptest::option::of(0..4usize),
        proptest::option::of(0..4usize),
        proptest::option::of(0..3usize),
        proptest::collection::vec(0..4usize, 0..3),
        0..4u8,
        any::<bool>(),
    );
    (
        proptest::collection::vec(one, 0..60),
        proptest::collection::vec((0..60i64, 0..60i64), 0..200),
        any::<u64>(),
    )
        .prop_map(|(raw, pairs, seed)| {
            const SPECIALTIES: [&str; 4] = ["chemistry", "hematology", "cytology", "histology"];
            const SHIFTS: [Shift; 4] = [Shift::Day, Shift::Evening, Shift::Night, Shift::Rotating];
            const WORDS: [&str; 4] = ["hiking", "baking", "chess", "qc"];
            let people = raw
                .into_iter()
                .enumerate()
                .map(
                    |(id, (role, spec, shift, state, words, capacity, left))| Participant {
                        id: id as Pid,
                        role: [Role::Peer, Role::Mentor, Role::Mentee][role as usize],
                        specialty: spec.map(|s| SPECIALTIES[s].to_string()),
                        state: state.map(|s| ["OH", "TX", "CA"][s].to_string()),
                        shift: shift.map(|s| SHIFTS[s]),
                        interests: words.into_iter().map(|w| WORDS[w].to_string()).collect(),
                        capacity,
                        left_out_last_round: left,
                    },
                )
                .collect();
            (people, pairs, seed)
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() {
            ProptestConfig::default().cases
        } else {
            256
        },
        ..ProptestConfig::default()
    })]

    /// Everyone appears exactly once, no recent pair meets, no mentor above capacity, and a
    /// left-out peer really had nobody: on any round.
    #[test]
    fn any_round_keeps_the_rules((people, pairs, seed) in arbitrary_round()) {
        let recent = recent_pairs(&pairs);
        let plan = plan(&people, &recent, seed);
        check(&people, &recent, &plan);
        let placed: HashSet<Pid> = plan.groups.iter().flat_map(|g| g.members.clone()).collect();
        let peers: Vec<&Participant> = people.iter().filter(|p| p.role == Role::Peer).collect();
        let by_id: HashMap<Pid, &Participant> = people.iter().map(|p| (p.id, p)).collect();
        for (id, _) in &plan.left_out {
            let Some(me) = peers.iter().find(|p| p.id == *id) else { continue };
            // Two peers left out who could have met: the matcher missed a pair.
            for other in &peers {
                prop_assert!(
                    other.id == me.id || placed.contains(&other.id) || recent(me.id, other.id),
                    "{} and {} were both left out but could meet", me.id, other.id
                );
            }
            for g in plan.groups.iter().filter(|g| g.mentor.is_none() && g.members.len() == 2) {
                let fits = |m: &Pid| !recent(me.id, *m);
                // A pair they could have joined as a trio.
                prop_assert!(!g.members.iter().all(fits), "{} could join {g:?}", me.id);
                // Left out twice while someone who was not could have made room.
                if me.left_out_last_round {
                    for (k, stay) in g.members.iter().enumerate() {
                        let out = &by_id[&g.members[1 - k]];
                        prop_assert!(
                            out.left_out_last_round || !fits(stay),
                            "{} left out twice; {} could have made room", me.id, out.id
                        );
                    }
                }
            }
        }
    }
}

//! Pairing on Matrix at the size of a small community: twenty members (real matrix-sdk clients,
//! end-to-end encrypted) run three rounds. They accept by typing `pair accept` in their private
//! chat or by reacting 👍 to the introduction; one skips (the other is told kindly, without
//! who), one pauses and one leaves (they hear nothing of the next round). Each pair that
//! accepted gets one encrypted room with both, and each is told privately where it is; nobody
//! meets the same colleague twice.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use matrix_sdk::ruma::{OwnedRoomId, OwnedUserId, RoomId};

use crate::support::{BotAccount, BotProcess, Human, Seen};

/// Twenty private chats and some thirty pair rooms. (Each used to cost the bot five seconds,
/// waiting on its own device list: see vendor/matrix-sdk-crypto/PATCHED.md.) An even first
/// round, a skip, a pause, a leave, and an odd third round.
const MEMBERS: usize = 20;
/// What matrix-sdk logs when a send sat out its 5 s wait for a device-list query.
const KEYS_QUERY_STALL: &str = "pending `/keys/query`";
const INTRO: &str = "This round's pairing: meet";
const NONE_THIS_ROUND: &str = "No introduction for you this round";
const ROOM_OPENED: &str = "Everyone accepted. This encrypted room is for you:";
const TOLD_PRIVATELY: &str = "Everyone accepted, so I opened an encrypted room for you with:";
const SKIPPED: &str = "won't go ahead this time";

struct Lab {
    bot: BotAccount,
    running: BotProcess,
    members: Vec<Human>,
    room: OwnedRoomId,
}

impl Lab {
    fn is_from_bot(&self) -> impl Fn(&Seen) -> bool + '_ {
        move |s: &Seen| s.sender == self.bot.user_id()
    }

    /// Each member's count of messages seen so far.
    fn marks(&self) -> Vec<usize> {
        self.members.iter().map(Human::mark).collect()
    }

    /// The bot's messages to member `i` since `mark` saying `text`.
    fn told(&self, i: usize, mark: usize, text: &str) -> Vec<Seen> {
        let bot = self.bot.user_id();
        self.members[i].seen()[mark..]
            .iter()
            .filter(|s| s.sender == bot && s.body.contains(text))
            .cloned()
            .collect()
    }

    /// Waits for each of `active` to hear of round `round` (an introduction, or that there is
    /// none this time), checks that each hears once and the others not at all, and returns
    /// the introductions.
    async fn round_heard(
        &self,
        round: u32,
        marks: &[usize],
        active: &[usize],
    ) -> BTreeMap<usize, Seen> {
        let from_bot = self.is_from_bot();
        let mut intros = BTreeMap::new();
        for &i in active {
            let heard = self.members[i]
                .wait_for(marks[i], "this round's word", |s| {
                    from_bot(s) && (s.body.contains(INTRO) || s.body.contains(NONE_THIS_ROUND))
                })
                .await;
            assert!(heard.encrypted && heard.mentions_empty);
            if heard.body.contains(INTRO) {
                for other in &self.members {
                    let id = other.user_id().to_string();
                    let html = heard.html.clone().unwrap_or_default();
                    assert!(
                        !heard.body.contains(&id) && !html.contains(&id),
                        "nobody is named yet"
                    );
                }
                intros.insert(i, heard);
            }
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        for (i, &mark) in marks.iter().enumerate() {
            let heard = self.told(i, mark, INTRO).len() + self.told(i, mark, NONE_THIS_ROUND).len();
            assert_eq!(
                heard,
                usize::from(active.contains(&i)),
                "member {i} in round {round}"
            );
        }
        intros
    }

    /// Each introduced member accepts (the even ones by typing, the odd ones by 👍), then
    /// each is told privately of the room opened with the others; checks the rooms (one per
    /// group, encrypted, the group and the bot in it, who is who said once) and returns the
    /// groups.
    async fn all_accept(&self, intros: &BTreeMap<usize, Seen>) -> BTreeSet<BTreeSet<usize>> {
        let from_bot = self.is_from_bot();
        let marks = self.marks();
        for (&i, intro) in intros {
            let m = &self.members[i];
            if i.is_multiple_of(2) {
                m.say(&intro.room, "pair accept").await;
            } else {
                m.react(&intro.room, &intro.event_id, "👍").await;
            }
        }
        // Every room is opened in turn (a few seconds each): wait for all before reading.
        let deadline = Instant::now() + 2 * crate::support::WAIT;
        loop {
            let waiting: Vec<usize> = intros
                .keys()
                .copied()
                .filter(|i| self.told(*i, marks[*i], TOLD_PRIVATELY).is_empty())
                .collect();
            if waiting.is_empty() {
                break;
            }
            if Instant::now() > deadline {
                let heard: Vec<String> = intros
                    .keys()
                    .map(|i| {
                        let said: Vec<String> = self.members[*i].seen()[marks[*i]..]
                            .iter()
                            .map(|s| {
                                format!(
                                    "{}: {}",
                                    s.sender,
                                    s.body.chars().take(80).collect::<String>()
                                )
                            })
                            .collect();
                        format!("member {i}: {said:?}")
                    })
                    .collect();
                panic!(
                    "{waiting:?} never heard that a room is open:\n{}\n{}",
                    heard.join("\n"),
                    self.running.output()
                );
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let mut groups = BTreeSet::new();
        let mut rooms: BTreeMap<BTreeSet<usize>, String> = BTreeMap::new();
        for (&i, intro) in intros {
            let m = &self.members[i];
            let told = m
                .wait_for(marks[i], "the private word that a room is open", |s| {
                    from_bot(s) && s.body.contains(TOLD_PRIVATELY)
                })
                .await;
            assert_eq!(told.room, intro.room, "in the private chat");
            assert!(told.encrypted && told.mentions_empty);
            let html = told.html.clone().unwrap_or_default();
            let mut group: BTreeSet<usize> = (0..MEMBERS)
                .filter(|j| html.contains(self.members[*j].user_id().as_str()))
                .collect();
            assert!(!group.contains(&i) && !group.is_empty(), "{html}");
            group.insert(i);
            let name = told
                .body
                .split('"')
                .nth(1)
                .unwrap_or_else(|| panic!("the room's name: {}", told.body))
                .to_owned();
            if let Some(known) = rooms.insert(group.clone(), name.clone()) {
                assert_eq!(known, name, "one room per group");
            }
            groups.insert(group);
        }
        let placed: usize = groups.iter().map(BTreeSet::len).sum();
        assert_eq!(placed, intros.len(), "{groups:?}");
        assert_eq!(rooms.len(), groups.len());
        // In each group's room: who is who, said once, encrypted; the group and the bot only.
        for group in &groups {
            let first = *group.first().unwrap();
            let m = &self.members[first];
            let welcome = m
                .wait_for(marks[first], "who is who in the room", |s| {
                    from_bot(s) && s.body.contains(ROOM_OPENED)
                })
                .await;
            assert!(welcome.encrypted, "the room is encrypted");
            let room = m.joined(&welcome.room).await;
            assert_eq!(room.name().as_deref(), Some(rooms[group].as_str()));
            let members = room
                .members(matrix_sdk::RoomMemberships::JOIN | matrix_sdk::RoomMemberships::INVITE)
                .await
                .expect("members");
            let mut ids: BTreeSet<String> =
                members.iter().map(|x| x.user_id().to_string()).collect();
            assert!(ids.remove(self.bot.user_id().as_str()));
            let expected: BTreeSet<String> = group
                .iter()
                .map(|j| self.members[*j].user_id().to_string())
                .collect();
            assert_eq!(ids, expected, "the group and the bot");
            for &j in group {
                let said = self.members[j]
                    .wait_for(marks[j], "who is who in the room", |s| {
                        from_bot(s) && s.body.contains(ROOM_OPENED)
                    })
                    .await;
                assert_eq!(said.room, welcome.room, "one room for the group");
            }
        }
        groups
    }
}

fn pairs(groups: &BTreeSet<BTreeSet<usize>>) -> BTreeSet<(usize, usize)> {
    let mut out = BTreeSet::new();
    for g in groups {
        for &a in g {
            for &b in g {
                if a < b {
                    out.insert((a, b));
                }
            }
        }
    }
    out
}

async fn say_privately(lab: &Lab, i: usize, private: &RoomId, line: &str, answer: &str) {
    let m = &lab.members[i];
    let mark = m.mark();
    m.say(private, line).await;
    let from_bot = lab.is_from_bot();
    m.wait_for(mark, answer, |s| from_bot(s) && s.body.contains(answer))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_members_run_three_rounds_with_accepts_a_skip_a_pause_and_a_leave() {
    let started = Instant::now();
    let host = Human::new("rhost").await;
    let bot = BotAccount::new().await;
    let mut set = tokio::task::JoinSet::new();
    for i in 0..MEMBERS {
        set.spawn(async move { (i, Human::new(&format!("r{i:02}")).await) });
    }
    let mut made: Vec<(usize, Human)> = set.join_all().await;
    made.sort_by_key(|(i, _)| *i);
    let members: Vec<Human> = made.into_iter().map(|(_, h)| h).collect();
    // The community room, in the clear (its commands are public; what is private goes to
    // each member's encrypted private chat).
    let mut invite: Vec<OwnedUserId> = vec![bot.user_id()];
    invite.extend(members.iter().map(Human::user_id));
    let alias = format!("lab{}", host.name);
    let room = host.create_room(&alias, false, &invite).await;
    for m in &members {
        m.joined(room.room_id()).await;
    }
    let running = bot
        .start(
            &[(&format!("#{alias}:localhost"), None)],
            Some("2026-12-07T08:00:00-05:00"),
        )
        .ready()
        .await;
    let mut lab = Lab {
        bot,
        running,
        members,
        room: room.room_id().to_owned(),
    };
    eprintln!("{MEMBERS} members ready in {:?}", started.elapsed());

    let shifts = ["day", "evening", "night", "rotating"];
    let marks = lab.marks();
    for (i, m) in lab.members.iter().enumerate() {
        m.say(
            &lab.room,
            &format!(
                "!pair join role:peer specialty:{} state:{} shift:{} interests:hiking",
                if i.is_multiple_of(2) { "mls" } else { "micro" },
                if i.is_multiple_of(3) { "OH" } else { "TX" },
                shifts[i % 4]
            ),
        )
        .await;
    }
    let from_bot = lab.is_from_bot();
    let mut private: Vec<OwnedRoomId> = Vec::new();
    for (i, m) in lab.members.iter().enumerate() {
        let joined = m
            .wait_for(marks[i], "the pairing confirmation", |s| {
                from_bot(s) && s.body.contains("You're in pairing as a peer")
            })
            .await;
        assert_ne!(joined.room, lab.room, "answered privately");
        private.push(joined.room);
    }
    drop(from_bot);

    // Round 1: twenty introductions.
    let marks = lab.marks();
    lab.running.advance("27h").await;
    let everyone: Vec<usize> = (0..MEMBERS).collect();
    let intros = lab.round_heard(1, &marks, &everyone).await;
    assert_eq!(intros.len(), MEMBERS, "an even number: nobody left out");
    eprintln!("round 1 introduced at {:?}", started.elapsed());

    // Member 0 skips by typing; the other of the pair is told kindly, without who.
    let marks = lab.marks();
    say_privately(&lab, 0, &intros[&0].room, "pair skip", "Skipped").await;
    let deadline = Instant::now() + crate::support::WAIT;
    let partner = loop {
        let told: Vec<usize> = (1..MEMBERS)
            .filter(|i| !lab.told(*i, marks[*i], SKIPPED).is_empty())
            .collect();
        if let [one] = told.as_slice() {
            break *one;
        }
        assert!(told.len() < 2, "{told:?}");
        assert!(Instant::now() < deadline, "nobody was told of the skip");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let kind = &lab.told(partner, marks[partner], SKIPPED)[0];
    assert!(
        !kind.body.contains(lab.members[0].user_id().as_str()),
        "{}",
        kind.body
    );
    assert!(
        lab.told(0, marks[0], SKIPPED).is_empty(),
        "the one who skipped is not told"
    );

    // The other eighteen accept: nine rooms.
    let accepting: BTreeMap<usize, Seen> = intros
        .into_iter()
        .filter(|(i, _)| *i != 0 && *i != partner)
        .collect();
    let round1 = lab.all_accept(&accepting).await;
    assert_eq!(round1.len(), (MEMBERS - 2) / 2, "{round1:?}");
    for i in [0, partner] {
        assert!(
            lab.told(i, 0, TOLD_PRIVATELY).is_empty(),
            "no room without both accepting"
        );
    }
    let mut met = pairs(&round1);
    met.insert((0, partner));
    eprintln!("round 1 done at {:?}", started.elapsed());

    // One pauses two weeks, one leaves. (Round 2 hears from everyone else, the one who skipped
    // included: `round_heard` checks it.)
    let mut steady = (1..MEMBERS).filter(|i| *i != partner);
    let (paused, left) = (steady.next().unwrap(), steady.next().unwrap());
    say_privately(
        &lab,
        paused,
        &private[paused],
        "pair pause 2",
        "Pairing is paused for 2 weeks",
    )
    .await;
    say_privately(
        &lab,
        left,
        &private[left],
        "pair leave",
        "You have left pairing",
    )
    .await;
    let after_leaving = lab.members[left].mark();

    // Round 2: the eighteen others, nobody with an earlier partner.
    lab.running.advance("7d").await;
    let marks = lab.marks();
    lab.running.advance("7d").await;
    let active: Vec<usize> = (0..MEMBERS)
        .filter(|i| *i != paused && *i != left)
        .collect();
    let intros = lab.round_heard(2, &marks, &active).await;
    let round2 = lab.all_accept(&intros).await;
    assert!(pairs(&round2).is_disjoint(&met), "{round2:?} after {met:?}");
    met.extend(pairs(&round2));
    eprintln!("round 2 done at {:?}", started.elapsed());

    // Round 3: the paused member is back (heard from, as `round_heard` checks); the one who
    // left hears nothing, then or since.
    lab.running.advance("7d").await;
    let marks = lab.marks();
    lab.running.advance("7d").await;
    let active: Vec<usize> = (0..MEMBERS).filter(|i| *i != left).collect();
    let intros = lab.round_heard(3, &marks, &active).await;
    let round3 = lab.all_accept(&intros).await;
    assert!(pairs(&round3).is_disjoint(&met), "{round3:?} after {met:?}");
    let since: Vec<String> = lab.members[left].seen()[after_leaving..]
        .iter()
        .filter(|s| s.sender == lab.bot.user_id())
        .map(|s| s.body.clone())
        .collect();
    assert!(since.is_empty(), "nothing after leaving: {since:?}");
    eprintln!("three rounds done at {:?}", started.elapsed());
    // No send waited on a device-list query: each new room's first message went out at once.
    let output = lab.running.output();
    assert!(
        !output.contains(KEYS_QUERY_STALL),
        "a send waited for a device-list query:\n{output}"
    );
}

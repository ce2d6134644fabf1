//! Pairing on Discord: introductions come by DM with Accept and Skip buttons and name nobody;
//! each member gets the other's mention, by DM, only once both accepted; a skip is told
//! kindly without who skipped; the follow-up a week later has buttons too; a paused member
//! and one who left hear nothing from the next round.

use super::*;
use fake_discord::Call;

const INTRO: &str = "This round's pairing: meet";
const MATCHED: &str = "Everyone accepted. You can reach:";

/// Four members, each in a state of their own (so an introduction tells who the other is).
const PEOPLE: [(u64, &str, &str, &str); 4] = [
    (41, "ana", "OH", "Ohio"),
    (42, "bob", "TX", "Texas"),
    (43, "cy", "CA", "California"),
    (44, "dee", "NY", "New York"),
];

fn id_of(n: u64) -> String {
    (800_000_000_000_000_000 + n).to_string()
}

/// The bot's messages in `n`'s DM channel, in order.
fn dms_to(fake: &FakeDiscord, n: u64) -> Vec<Call> {
    let Some(channel) = fake.dm_channel_of(&id_of(n)) else {
        return Vec::new();
    };
    fake.calls_to("POST", &format!("/channels/{channel}/messages"))
}

/// Waits until `n`'s DMs include one saying `text`, and returns it.
async fn dm_saying(fake: &FakeDiscord, n: u64, text: &str) -> Call {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(c) = dms_to(fake, n)
            .into_iter()
            .find(|c| c.text().contains(text))
        {
            return c;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no DM to {n} says {text:?}; calls:\n{}",
            fake.describe_calls()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Presses the button `custom_id` on a DM and returns the bot's answer.
async fn press(fake: &FakeDiscord, n: u64, name: &str, dm: &Call, custom_id: &str) -> Call {
    let channel = dm.path.split('/').nth(4).unwrap().to_owned();
    let message = dm.created.clone().unwrap();
    let pressed = fake.press(&user(n, name), &channel, &message, custom_id);
    fake.callback(&pressed).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn introductions_come_by_dm_with_buttons_and_mentions_only_after_both_accept() {
    let fake = FakeDiscord::start().await;
    let mut bot = Labcircle::start(&fake).await;

    // Hostile interests are refused, and the refusal pings nobody.
    let id = fake.slash(
        &user(41, "ana"),
        NONE,
        &["pair", "join"],
        json!([
            string("role", "peer"),
            string("interests", "@everyone, <@&1>")
        ]),
    );
    let answer = fake.callback(&id).await;
    assert!(answer.ephemeral(), "{}", answer.body);
    assert!(answer.mentions_disabled(), "{}", answer.body);
    assert!(
        answer.text().contains("letters, digits and hyphens"),
        "{}",
        answer.text()
    );
    assert!(!answer.text().contains("@everyone"), "{}", answer.text());

    for (n, name, state, _) in PEOPLE {
        let id = fake.slash(
            &user(n, name),
            NONE,
            &["pair", "join"],
            json!([
                string("role", "peer"),
                string("shift", "night"),
                string("state", state),
                string("interests", "hiking")
            ]),
        );
        let answer = fake.callback(&id).await;
        assert!(answer.ephemeral(), "{}", answer.body);
        assert!(
            answer.text().contains("You're in pairing as a peer"),
            "{}",
            answer.text()
        );
    }

    // Tuesday 10:00 in New York: the round. Each gets an introduction by DM, by profile only,
    // with Accept and Skip buttons.
    bot.advance("27h").await;
    let mut partner = std::collections::HashMap::new();
    for (n, _, _, _) in PEOPLE {
        let intro = dm_saying(&fake, n, INTRO).await;
        let text = intro.text();
        assert!(!text.contains("<@"), "nobody is named yet: {text}");
        for (_, name, _, _) in PEOPLE {
            assert!(!text.contains(name), "nobody is named yet: {text}");
        }
        assert!(intro.mentions_disabled());
        let buttons = intro.buttons();
        for b in ["lc:c:/pair accept", "lc:c:/pair skip"] {
            assert!(buttons.iter().any(|x| x == b), "{b} not in {buttons:?}");
        }
        let other = PEOPLE
            .iter()
            .find(|(m, _, _, place)| *m != n && text.contains(place))
            .unwrap_or_else(|| panic!("the introduction says where the other works: {text}"));
        partner.insert(n, (other.0, intro));
    }

    // Ana accepts with the button; until her partner does, nobody's mention is shared.
    let (p, ana_intro) = partner[&41].clone();
    let (p_name, p_intro) = (
        PEOPLE.iter().find(|x| x.0 == p).unwrap().1,
        partner[&p].1.clone(),
    );
    let answer = press(&fake, 41, "ana", &ana_intro, "lc:c:/pair accept").await;
    assert!(answer.text().contains("you accepted"), "{}", answer.text());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        fake.calls_to("POST", "/messages")
            .iter()
            .all(|c| !c.text().contains(MATCHED)),
        "{}",
        fake.describe_calls()
    );
    let answer = press(&fake, p, p_name, &p_intro, "lc:c:/pair accept").await;
    assert!(
        answer.text().contains("everyone accepted"),
        "{}",
        answer.text()
    );
    let to_ana = dm_saying(&fake, 41, MATCHED).await;
    assert!(
        to_ana.text().contains(&format!("<@{}>", id_of(p))),
        "{}",
        to_ana.text()
    );
    assert!(to_ana.mentions_disabled(), "a mention that pings nobody");
    let to_partner = dm_saying(&fake, p, MATCHED).await;
    assert!(
        to_partner.text().contains(&format!("<@{}>", id_of(41))),
        "{}",
        to_partner.text()
    );

    // In the other pair, one skips: the other is told kindly, without who.
    let rest: Vec<(u64, &str)> = PEOPLE
        .iter()
        .filter(|x| x.0 != 41 && x.0 != p)
        .map(|x| (x.0, x.1))
        .collect();
    let (skipper, skipper_name) = rest[0];
    let (other, _) = rest[1];
    let answer = press(
        &fake,
        skipper,
        skipper_name,
        &partner[&skipper].1,
        "lc:c:/pair skip",
    )
    .await;
    assert!(answer.text().contains("Skipped"), "{}", answer.text());
    let told = dm_saying(&fake, other, "won't go ahead this time").await;
    assert!(!told.text().contains(skipper_name), "{}", told.text());
    assert!(!told.text().contains("<@"), "{}", told.text());
    assert!(
        dms_to(&fake, skipper)
            .iter()
            .all(|c| !c.text().contains("won't go ahead")),
        "the one who skipped is not told twice"
    );

    // A week later, those who met are asked, with buttons.
    bot.advance("7d").await;
    let asked = dm_saying(&fake, 41, "Did you meet?").await;
    assert!(
        asked.buttons().contains(&"lc:c:/pair met yes".to_owned()),
        "{}",
        asked.body
    );
    let answer = press(&fake, 41, "ana", &asked, "lc:c:/pair met yes").await;
    assert!(
        answer.text().contains("Thank you for letting us know"),
        "{}",
        answer.text()
    );
    dm_saying(&fake, p, "Did you meet?").await;

    // Ana pauses two weeks and dee leaves: the next round tells neither of them anything.
    let id = fake.slash(
        &user(41, "ana"),
        NONE,
        &["pair", "pause"],
        json!([string("weeks", "2")]),
    );
    let answer = fake.callback(&id).await;
    assert!(
        answer.text().contains("Pairing is paused for 2 weeks"),
        "{}",
        answer.text()
    );
    let id = fake.slash(&user(44, "dee"), NONE, &["pair", "leave"], json!([]));
    let answer = fake.callback(&id).await;
    assert!(
        answer.text().contains("You have left pairing"),
        "{}",
        answer.text()
    );
    let before: Vec<usize> = PEOPLE.iter().map(|x| dms_to(&fake, x.0).len()).collect();
    bot.advance("7d").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    for ((n, name, _, _), before) in PEOPLE.iter().zip(before) {
        let new: Vec<String> = dms_to(&fake, *n)
            .iter()
            .skip(before)
            .map(Call::text)
            .collect();
        let heard = new
            .iter()
            .filter(|t| t.contains(INTRO) || t.contains("No introduction for you"))
            .count();
        let expected = usize::from(*n == 42 || *n == 43);
        assert_eq!(heard, expected, "{name} in round 2: {new:?}");
    }
}

/// The twenty members of the larger run: user numbers 101 to 120.
const TWENTY: std::ops::RangeInclusive<u64> = 101..=120;

fn name_of(n: u64) -> String {
    format!("d{:02}", n - 100)
}

/// The members mentioned (`<@id>`) in a text, as user numbers.
fn mentioned(text: &str) -> Vec<u64> {
    text.split("<@")
        .skip(1)
        .filter_map(|rest| rest.split_once('>'))
        .filter_map(|(id, _)| id.parse::<u64>().ok())
        .map(|id| id - 800_000_000_000_000_000)
        .collect()
}

/// Waits until each of `who` has a new DM (after `before[n]`) saying one of `texts`, and returns
/// the first such DM of each.
async fn next_dm_of_each(
    fake: &FakeDiscord,
    who: &[u64],
    before: &std::collections::HashMap<u64, usize>,
    texts: &[&str],
) -> std::collections::BTreeMap<u64, Call> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let mut found = std::collections::BTreeMap::new();
        for &n in who {
            let skip = before.get(&n).copied().unwrap_or(0);
            if let Some(c) = dms_to(fake, n)
                .into_iter()
                .skip(skip)
                .find(|c| texts.iter().any(|t| c.text().contains(t)))
            {
                found.insert(n, c);
            }
        }
        if found.len() == who.len() {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {:?} of {who:?} heard {texts:?}; calls:\n{}",
            found.keys().collect::<Vec<_>>(),
            fake.describe_calls()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// How many DMs each of the twenty has had so far.
fn dm_counts(fake: &FakeDiscord) -> std::collections::HashMap<u64, usize> {
    TWENTY.map(|n| (n, dms_to(fake, n).len())).collect()
}

/// The new DMs of `n` since `before`, as text.
fn new_dms(
    fake: &FakeDiscord,
    n: u64,
    before: &std::collections::HashMap<u64, usize>,
) -> Vec<String> {
    dms_to(fake, n)
        .iter()
        .skip(before[&n])
        .map(Call::text)
        .collect()
}

type Groups = std::collections::BTreeSet<std::collections::BTreeSet<u64>>;

/// Presses Accept on each introduction and returns the groups everyone accepted, from the
/// mentions each member got; checks each got exactly one "everyone accepted" DM naming all the
/// others of the group and nobody else.
async fn all_accept(fake: &FakeDiscord, intros: &std::collections::BTreeMap<u64, Call>) -> Groups {
    let before = dm_counts(fake);
    for (&n, intro) in intros {
        let answer = press(fake, n, &name_of(n), intro, "lc:c:/pair accept").await;
        assert!(
            answer.text().contains("accepted"),
            "{}: {}",
            name_of(n),
            answer.text()
        );
    }
    let who: Vec<u64> = intros.keys().copied().collect();
    let matched = next_dm_of_each(fake, &who, &before, &[MATCHED]).await;
    let mut groups = Groups::new();
    for (&n, dm) in &matched {
        assert!(dm.mentions_disabled(), "a mention that pings nobody");
        let mut group: std::collections::BTreeSet<u64> =
            mentioned(&dm.text()).into_iter().collect();
        assert!(!group.contains(&n) && !group.is_empty(), "{}", dm.text());
        group.insert(n);
        assert!(group.iter().all(|m| who.contains(m)), "{}", dm.text());
        groups.insert(group);
    }
    // The groups are consistent: everyone is in exactly one, as each of its members says.
    let placed: usize = groups.iter().map(std::collections::BTreeSet::len).sum();
    assert_eq!(placed, who.len(), "{groups:?}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    for &n in &who {
        let told = new_dms(fake, n, &before)
            .iter()
            .filter(|t| t.contains(MATCHED))
            .count();
        assert_eq!(told, 1, "{} is told the others once", name_of(n));
    }
    groups
}

/// Every pair of members placed together in these groups.
fn pairs_of(groups: &Groups) -> std::collections::BTreeSet<(u64, u64)> {
    let mut pairs = std::collections::BTreeSet::new();
    for g in groups {
        for &a in g {
            for &b in g {
                if a < b {
                    pairs.insert((a, b));
                }
            }
        }
    }
    pairs
}

/// Waits for round `round`'s word to each of `active` (an introduction, or "no introduction
/// for you" for an odd one out), and checks that each hears exactly once and that `quiet`
/// hear nothing of it. Returns the introductions.
async fn round_heard(
    fake: &FakeDiscord,
    round: u32,
    before: &std::collections::HashMap<u64, usize>,
    active: &[u64],
    quiet: &[u64],
) -> std::collections::BTreeMap<u64, Call> {
    let heard = next_dm_of_each(fake, active, before, &[INTRO, "No introduction for you"]).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    for n in TWENTY {
        let told = new_dms(fake, n, before)
            .iter()
            .filter(|t| t.contains(INTRO) || t.contains("No introduction for you"))
            .count();
        let expected = usize::from(active.contains(&n));
        assert_eq!(
            told,
            expected,
            "{} in round {round}: {:?}",
            name_of(n),
            new_dms(fake, n, before)
        );
    }
    for n in quiet {
        assert!(!heard.contains_key(n));
    }
    heard
        .into_iter()
        .filter(|(_, c)| {
            let text = c.text();
            assert!(!text.contains("<@"), "nobody is named yet: {text}");
            text.contains(INTRO)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_members_run_three_rounds_with_accepts_a_skip_a_pause_and_a_leave() {
    let fake = FakeDiscord::start().await;
    let mut bot = Labcircle::start(&fake).await;
    let shifts = ["day", "evening", "night", "rotating"];
    for n in TWENTY {
        let i = (n - 101) as usize;
        let id = fake.slash(
            &user(n, &name_of(n)),
            NONE,
            &["pair", "join"],
            json!([
                string("role", "peer"),
                string(
                    "specialty",
                    if i.is_multiple_of(2) { "mls" } else { "micro" }
                ),
                string("state", if i.is_multiple_of(3) { "OH" } else { "TX" }),
                string("shift", shifts[i % 4]),
                string("interests", "hiking, baking")
            ]),
        );
        let answer = fake.callback(&id).await;
        assert!(
            answer.text().contains("You're in pairing as a peer"),
            "{}",
            answer.text()
        );
    }
    let everyone: Vec<u64> = TWENTY.collect();

    // Round 1, Tuesday 10:00 in New York: each of the twenty gets one introduction with buttons.
    let before = dm_counts(&fake);
    bot.advance("27h").await;
    let intros = round_heard(&fake, 1, &before, &everyone, &[]).await;
    assert_eq!(intros.len(), 20, "an even number: nobody left out");
    for intro in intros.values() {
        let buttons = intro.buttons();
        for b in ["lc:c:/pair accept", "lc:c:/pair skip"] {
            assert!(buttons.iter().any(|x| x == b), "{b} not in {buttons:?}");
        }
    }

    // d01 presses Skip: one other member is told kindly, without who.
    let skipper = 101;
    let before = dm_counts(&fake);
    let answer = press(&fake, skipper, "d01", &intros[&skipper], "lc:c:/pair skip").await;
    assert!(answer.text().contains("Skipped"), "{}", answer.text());
    let others: Vec<u64> = everyone.iter().copied().filter(|n| *n != skipper).collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let skipped_partner = loop {
        let told: Vec<u64> = others
            .iter()
            .copied()
            .filter(|n| {
                new_dms(&fake, *n, &before)
                    .iter()
                    .any(|t| t.contains("won't go ahead this time"))
            })
            .collect();
        if !told.is_empty() {
            assert_eq!(told.len(), 1, "{told:?}");
            break told[0];
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{}",
            fake.describe_calls()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let kind = new_dms(&fake, skipped_partner, &before).join("\n");
    assert!(!kind.contains("d01") && !kind.contains("<@"), "{kind}");
    assert!(
        new_dms(&fake, skipper, &before)
            .iter()
            .all(|t| !t.contains("won't go ahead")),
        "the one who skipped is not told twice"
    );

    // The other eighteen accept with the button: nine pairs, each told the other's mention.
    let accepting: std::collections::BTreeMap<u64, Call> = intros
        .iter()
        .filter(|(n, _)| **n != skipper && **n != skipped_partner)
        .map(|(n, c)| (*n, c.clone()))
        .collect();
    let round1 = all_accept(&fake, &accepting).await;
    assert_eq!(round1.len(), 9, "{round1:?}");
    for n in [skipper, skipped_partner] {
        assert!(
            dms_to(&fake, n).iter().all(|c| !c.text().contains(MATCHED)),
            "no mention for a pair that did not both accept"
        );
    }
    let mut met = pairs_of(&round1);
    met.insert((skipper.min(skipped_partner), skipper.max(skipped_partner)));

    // One pauses two weeks, one leaves (neither of them the skip's pair).
    let mut steady = others.iter().copied().filter(|n| *n != skipped_partner);
    let (paused, left) = (steady.next().unwrap(), steady.next().unwrap());
    let id = fake.slash(
        &user(paused, &name_of(paused)),
        NONE,
        &["pair", "pause"],
        json!([string("weeks", "2")]),
    );
    let answer = fake.callback(&id).await;
    assert!(
        answer.text().contains("Pairing is paused for 2 weeks"),
        "{}",
        answer.text()
    );
    let id = fake.slash(
        &user(left, &name_of(left)),
        NONE,
        &["pair", "leave"],
        json!([]),
    );
    let answer = fake.callback(&id).await;
    assert!(
        answer.text().contains("You have left pairing"),
        "{}",
        answer.text()
    );
    let after_leaving = dm_counts(&fake);

    // Round 2, two weeks on: the eighteen others, nobody with an earlier partner.
    bot.advance("7d").await;
    let before = dm_counts(&fake);
    bot.advance("7d").await;
    let active: Vec<u64> = everyone
        .iter()
        .copied()
        .filter(|n| *n != paused && *n != left)
        .collect();
    let intros = round_heard(&fake, 2, &before, &active, &[paused, left]).await;
    let round2 = all_accept(&fake, &intros).await;
    let pairs2 = pairs_of(&round2);
    assert!(
        pairs2.is_disjoint(&met),
        "nobody meets a colleague twice: {round2:?} after {met:?}"
    );
    assert!(
        round2.iter().any(|g| g.contains(&skipper)),
        "the one who skipped is tried again"
    );
    met.extend(pairs2);

    // Round 3: the paused member is back; the one who left hears nothing, then or after.
    bot.advance("7d").await;
    let before = dm_counts(&fake);
    bot.advance("7d").await;
    let active: Vec<u64> = everyone.iter().copied().filter(|n| *n != left).collect();
    let intros = round_heard(&fake, 3, &before, &active, &[left]).await;
    assert!(intros.contains_key(&paused), "back from the pause");
    let round3 = all_accept(&fake, &intros).await;
    let pairs3 = pairs_of(&round3);
    assert!(
        pairs3.is_disjoint(&met),
        "nobody meets a colleague twice: {round3:?} after {met:?}"
    );
    let since_leaving = new_dms(&fake, left, &after_leaving);
    assert!(
        since_leaving.is_empty(),
        "nothing after leaving: {since_leaving:?}"
    );
}

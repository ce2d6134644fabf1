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

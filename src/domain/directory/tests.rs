use super::*;

pub(crate) fn draft(pairs: &[(Field, &str)]) -> Draft {
    pairs
        .iter()
        .map(|(f, v)| (*f, Raw::Text((*v).to_owned())))
        .collect()
}

pub(crate) fn sample() -> Draft {
    draft(&[
        (Field::Key, "oh-histo"),
        (Field::Name, "Histology Society of Ohio"),
        (Field::Kind, "association"),
        (Field::Specialties, "histo"),
        (Field::States, "Ohio"),
        (Field::Format, "in person"),
        (Field::Cost, "membership"),
        (Field::Facilitation, "professional"),
        (Field::Url, "https://ohiohistology.org"),
        (Field::Description, "State society for histotechs."),
    ])
}

#[test]
fn a_complete_draft_validates_with_synonyms_resolved() {
    let entry = Entry::from_draft(&sample()).unwrap();
    assert_eq!(entry.specialties, vec![Specialty::Histotechnology]);
    assert_eq!(entry.states, vec![State::OH]);
    assert_eq!(entry.format, Format::InPerson);
    assert_eq!(entry.last_checked, None);
    assert_eq!(Entry::from_draft(&entry.to_draft()).unwrap(), entry);
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut d = sample();
    d.insert(Field::Url, Raw::Text("javascript:alert(1)".into()));
    d.insert(Field::Specialties, Raw::Text("histo, basketweaving".into()));
    d.remove(&Field::Name);
    let errors = Entry::from_draft(&d).unwrap_err();
    let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
    assert_eq!(fields, vec![Field::Name, Field::Specialties, Field::Url]);
    assert!(
        errors[2].message.contains("only http:// and https://"),
        "{:?}",
        errors[2]
    );
}

#[test]
fn hidden_characters_are_refused_once_per_field_without_quoting_them() {
    let mut d = sample();
    d.insert(Field::Name, Raw::Text("Admin\u{200B}istrators".into()));
    d.insert(
        Field::Description,
        Raw::Text("Call \u{202E}8891 now".into()),
    );
    d.insert(Field::Tags, Raw::List(vec!["ok".into(), "bad\u{7}".into()]));
    d.insert(
        Field::Url,
        Raw::Text("https://example.org/\u{2066}x".into()),
    );
    let errors = Entry::from_draft(&d).unwrap_err();
    let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        vec![Field::Name, Field::Description, Field::Tags, Field::Url]
    );
    assert_eq!(
        errors[0].to_string(),
        "name: contains an invisible character (U+200B ZERO WIDTH SPACE) at character 6. \
         Accepted: letters, digits, punctuation, spaces and emoji, on one line; control, \
         text-direction and invisible characters are not."
    );
    assert!(errors[1].message.contains("text-direction control (U+202E"));
    assert!(
        errors[2]
            .message
            .starts_with("an item contains a control character")
    );
    assert!(
        errors[3]
            .message
            .starts_with("the link contains a text-direction control")
    );
    for e in &errors {
        assert!(
            !e.message
                .contains(['\u{200B}', '\u{202E}', '\u{7}', '\u{2066}'])
        );
    }
    // A link checked on its own (a meetup's) is refused too.
    assert!(check_url("https://example.org/\u{200F}").is_err());
}

#[test]
fn verified_entries_of_older_files_need_a_date() {
    let mut d = sample();
    d.insert(Field::Verified, Raw::Bool(true));
    let errors = Entry::from_draft(&d).unwrap_err();
    assert_eq!(errors[0].field, Field::LastVerified);
}

#[test]
fn older_files_verified_entries_read_as_checked_on_their_own_page() {
    let mut d = sample();
    d.insert(Field::Verified, Raw::Bool(true));
    d.insert(Field::LastVerified, Raw::Text("2019-04-02".into()));
    let entry = Entry::from_draft(&d).unwrap();
    assert_eq!(entry.last_checked, NaiveDate::from_ymd_opt(2019, 4, 2));
    assert_eq!(entry.checked_how, Some(CheckedHow::OwnPage));
    d.insert(Field::Verified, Raw::Bool(false));
    let entry = Entry::from_draft(&d).unwrap();
    assert_eq!((entry.last_checked, entry.checked_how), (None, None));
}

#[test]
fn a_way_of_checking_needs_a_date_and_a_known_name() {
    let mut d = sample();
    d.insert(Field::CheckedHow, Raw::Text("third-party".into()));
    let errors = Entry::from_draft(&d).unwrap_err();
    assert_eq!(errors[0].field, Field::LastChecked);
    d.insert(Field::LastChecked, Raw::Text("2025-03-01".into()));
    let entry = Entry::from_draft(&d).unwrap();
    assert_eq!(entry.checked_how, Some(CheckedHow::ThirdParty));
    d.insert(Field::CheckedHow, Raw::Text("gossip".into()));
    let errors = Entry::from_draft(&d).unwrap_err();
    assert!(errors[0].message.contains("own-page"), "{errors:?}");
}

#[test]
fn an_entry_is_out_of_date_24_months_after_its_last_check() {
    let mut d = sample();
    d.insert(Field::LastChecked, Raw::Text("2024-12-01".into()));
    let entry = Entry::from_draft(&d).unwrap();
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
    assert_eq!(entry.freshness(day(2026, 12, 1)), Freshness::Fresh);
    assert_eq!(entry.freshness(day(2026, 12, 2)), Freshness::Stale);
    d.remove(&Field::LastChecked);
    let unchecked = Entry::from_draft(&d).unwrap();
    assert_eq!(unchecked.freshness(day(2026, 12, 2)), Freshness::Unchecked);
}

#[test]
fn slugs_are_valid_keys() {
    assert_eq!(
        slugify("Histology Society of Ohio!"),
        "histology-society-of-ohio"
    );
    assert_eq!(slugify("é"), "group");
    assert_eq!(slugify("x"), "group-x");
}

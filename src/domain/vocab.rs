//! The closed vocabularies of the directory: specialties, US states, kinds, formats, costs and
//! facilitation. Each value has a stable `code` (stored in the database and in import files), a
//! human `label`, and the spellings members actually type ("histo", "med tech", "Ohio", "OH").
//!
//! Matching is forgiving about case, punctuation and spacing: `"Med-Tech"`, `"med tech"` and
//! `"medtech"` are the same word here.

use std::fmt;

/// A value from one of the directory's closed vocabularies.
pub trait Vocab: Copy + Eq + Sized + 'static {
    /// What the vocabulary is called in messages ("specialty", "state", ...).
    const WHAT: &'static str;
    /// Every value, in the order shown to people.
    const ALL: &'static [Self];
    /// The stable code, as stored and as written in import files.
    fn code(self) -> &'static str;
    /// The name shown to people.
    fn label(self) -> &'static str;
    /// Other spellings accepted on input (the code and the label are always accepted).
    fn synonyms(self) -> &'static [&'static str];

    /// Reads a value from what a person typed, or says what is accepted.
    fn parse(input: &str) -> Result<Self, VocabError> {
        // Files and stored data use the codes: answer those without normalising every spelling.
        if let Some(value) = Self::ALL.iter().copied().find(|v| v.code() == input.trim()) {
            return Ok(value);
        }
        let wanted = normalize(input);
        let squashed: String = wanted.split(' ').collect();
        if !wanted.is_empty() {
            for &value in Self::ALL {
                let spellings = [value.code(), value.label()];
                let all = spellings.iter().chain(value.synonyms().iter());
                for spelling in all {
                    let candidate = normalize(spelling);
                    if candidate == wanted || candidate.split(' ').collect::<String>() == squashed {
                        return Ok(value);
                    }
                }
            }
        }
        Err(VocabError {
            what: Self::WHAT,
            input: input.trim().to_owned(),
            suggestion: Self::nearest(&wanted),
            accepted: Self::ALL.iter().map(|v| v.code()).collect(),
        })
    }

    /// The closest accepted spelling, for "did you mean …?".
    fn nearest(wanted: &str) -> Option<&'static str> {
        let mut best: Option<(f64, &'static str)> = None;
        for &value in Self::ALL {
            let spellings = [value.code(), value.label()];
            for spelling in spellings.iter().chain(value.synonyms().iter()) {
                let score = strsim::normalized_damerau_levenshtein(wanted, &normalize(spelling));
                if score >= 0.6 && best.is_none_or(|(s, _)| score > s) {
                    best = Some((score, value.code()));
                }
            }
        }
        best.map(|(_, code)| code)
    }
}

/// Lower-cases and folds punctuation to single spaces, so spellings compare loosely.
pub fn normalize(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if c == '\'' || c == '’' || c == '.' {
            // "pathologists' assistant", "N.C." read as if the mark were not there.
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// A value that is not in a vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VocabError {
    pub what: &'static str,
    pub input: String,
    pub suggestion: Option<&'static str>,
    pub accepted: Vec<&'static str>,
}

impl fmt::Display for VocabError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.input.is_empty() {
            write!(f, "A {} is needed.", self.what)?;
        } else {
            write!(f, "\"{}\" is not a {} I know.", self.input, self.what)?;
        }
        if let Some(s) = self.suggestion {
            write!(f, " Did you mean {s}?")?;
        }
        write!(f, " Accepted: {}.", self.accepted.join(", "))
    }
}

impl std::error::Error for VocabError {}

macro_rules! vocab {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $variant:ident => $code:literal, $label:literal, [$($syn:literal),* $(,)?] ; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $( $variant, )+ }

        impl Vocab for $name {
            const WHAT: &'static str = $what;
            const ALL: &'static [Self] = &[ $( Self::$variant, )+ ];
            fn code(self) -> &'static str { match self { $( Self::$variant => $code, )+ } }
            fn label(self) -> &'static str { match self { $( Self::$variant => $label, )+ } }
            fn synonyms(self) -> &'static [&'static str] {
                match self { $( Self::$variant => &[$($syn),*], )+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.label()) }
        }
    };
}

vocab! {
    /// A lab discipline an entry serves. `All` serves every discipline.
    Specialty, "specialty" {
        Mls => "mls", "medical laboratory science", ["med tech", "medical technologist",
            "medical technology", "mt", "medical laboratory scientist", "clinical laboratory science",
            "clinical laboratory scientist", "cls", "lab scientist"];
        Mlt => "mlt", "medical laboratory technician", ["clinical laboratory technician", "clt",
            "lab tech", "lab technician"];
        Phlebotomy => "phlebotomy", "phlebotomy", ["phlebotomist", "phleb", "pbt", "cpt", "rpt",
            "blood draw"];
        Cytotechnology => "cytotechnology", "cytotechnology", ["cyto", "cytotech",
            "cytotechnologist", "cytology", "cytopathology", "ct"];
        Histotechnology => "histotechnology", "histotechnology", ["histo", "histotech",
            "histotechnologist", "histotechnician", "histology", "ht", "htl"];
        Microbiology => "microbiology", "microbiology", ["micro", "microbiologist", "bacteriology"];
        BloodBank => "blood_bank", "blood bank / transfusion", ["blood bank", "bloodbank", "bb",
            "transfusion", "transfusion medicine", "immunohematology", "sbb"];
        Molecular => "molecular", "molecular", ["molecular diagnostics", "molecular biology", "mb",
            "genetics", "cytogenetics", "hla"];
        Chemistry => "chemistry", "chemistry", ["chem", "clinical chemistry"];
        Hematology => "hematology", "hematology", ["heme", "haematology", "coag", "coagulation"];
        LabManagement => "lab_management", "lab management", ["management", "manager",
            "lab manager", "laboratory management", "supervisor", "leadership", "dlm"];
        PathologistsAssistant => "pathologists_assistant", "pathologists' assistant", ["pa",
            "pathologist assistant", "path assistant", "pathology assistant"];
        All => "all", "all specialties", ["any", "every", "general", "everyone"];
    }
}

vocab! {
    /// What sort of thing a directory entry is.
    Kind, "kind" {
        Association => "association", "professional association", ["society", "assoc",
            "professional society", "organization", "organisation"];
        OnlineCommunity => "online_community", "online community", ["community", "forum",
            "online", "subreddit", "reddit"];
        LocalGroup => "local_group", "local group", ["local", "meetup", "chapter"];
        PeerSupport => "peer_support", "peer support group", ["peer support", "peer",
            "support group", "support"];
        CrisisLine => "crisis_line", "crisis or help line", ["crisis", "crisis line", "hotline",
            "helpline", "help line", "lifeline"];
    }
}

vocab! {
    /// How a group meets.
    Format, "format" {
        Online => "online", "online", ["virtual", "remote", "phone", "text"];
        InPerson => "in_person", "in person", ["inperson", "face to face", "irl", "local"];
        Hybrid => "hybrid", "hybrid", ["both", "online and in person"];
    }
}

vocab! {
    /// What it costs to take part.
    Cost, "cost" {
        Free => "free", "free", ["no cost", "0"];
        Membership => "membership", "membership", ["members", "member", "dues", "membership fee"];
        Paid => "paid", "paid", ["fee", "fees", "cost"];
    }
}

vocab! {
    /// Who leads the group.
    Facilitation, "facilitation" {
        PeerLed => "peer_led", "peer-led", ["peer", "peers", "member led"];
        ProfessionalLed => "professional_led", "professional-led", ["professional", "pro",
            "staff", "counselor led", "facilitated"];
        NoFacilitation => "none", "not facilitated", ["unmoderated", "no"];
    }
}

vocab! {
    /// How an entry's facts were last checked.
    CheckedHow, "way of checking" {
        OwnPage => "own-page", "on the organisation's own page", ["own page", "own", "site",
            "website", "own_page"];
        ThirdParty => "third-party", "from a third-party source", ["third party", "secondary",
            "third_party"];
        MemberReport => "member-report", "from a member's report", ["member report", "member",
            "member_report"];
    }
}

vocab! {
    /// A US state, district or territory, by its two-letter postal code.
    State, "US state" {
        AL => "AL", "Alabama", []; AK => "AK", "Alaska", []; AZ => "AZ", "Arizona", [];
        AR => "AR", "Arkansas", []; CA => "CA", "California", ["cali"]; CO => "CO", "Colorado", [];
        CT => "CT", "Connecticut", []; DE => "DE", "Delaware", [];
        DC => "DC", "District of Columbia", ["washington dc", "washington d c", "d c"];
        FL => "FL", "Florida", []; GA => "GA", "Georgia", []; HI => "HI", "Hawaii", [];
        ID => "ID", "Idaho", []; IL => "IL", "Illinois", []; IN => "IN", "Indiana", [];
        IA => "IA", "Iowa", []; KS => "KS", "Kansas", []; KY => "KY", "Kentucky", [];
        LA => "LA", "Louisiana", []; ME => "ME", "Maine", []; MD => "MD", "Maryland", [];
        MA => "MA", "Massachusetts", ["mass"]; MI => "MI", "Michigan", [];
        MN => "MN", "Minnesota", []; MS => "MS", "Mississippi", []; MO => "MO", "Missouri", [];
        MT => "MT", "Montana", []; NE => "NE", "Nebraska", []; NV => "NV", "Nevada", [];
        NH => "NH", "New Hampshire", []; NJ => "NJ", "New Jersey", [];
        NM => "NM", "New Mexico", []; NY => "NY", "New York", ["nys"];
        NC => "NC", "North Carolina", []; ND => "ND", "North Dakota", [];
        OH => "OH", "Ohio", []; OK => "OK", "Oklahoma", []; OR => "OR", "Oregon", [];
        PA => "PA", "Pennsylvania", ["penn"]; RI => "RI", "Rhode Island", [];
        SC => "SC", "South Carolina", []; SD => "SD", "South Dakota", [];
        TN => "TN", "Tennessee", []; TX => "TX", "Texas", []; UT => "UT", "Utah", [];
        VT => "VT", "Vermont", []; VA => "VA", "Virginia", []; WA => "WA", "Washington", ["wash"];
        WV => "WV", "West Virginia", []; WI => "WI", "Wisconsin", []; WY => "WY", "Wyoming", [];
        PR => "PR", "Puerto Rico", []; GU => "GU", "Guam", [];
        VI => "VI", "U.S. Virgin Islands", ["virgin islands", "usvi"];
    }
}

impl Specialty {
    /// Whether the discipline is a bench that generalist MLS and MLT staff work (so their
    /// associations and communities serve it too).
    pub fn is_bench(self) -> bool {
        matches!(
            self,
            Specialty::Hematology
                | Specialty::Chemistry
                | Specialty::Microbiology
                | Specialty::BloodBank
                | Specialty::Molecular
        )
    }
}

impl Format {
    /// Whether a group of this format suits someone asking for `wanted`: a hybrid group suits
    /// both online and in-person seekers.
    pub fn suits(self, wanted: Format) -> bool {
        self == wanted || (self == Format::Hybrid && wanted != Format::Hybrid)
    }
}

/// Looks a value up by its stored code (used when reading the database back).
pub fn from_code<V: Vocab>(code: &str) -> Option<V> {
    V::ALL.iter().copied().find(|v| v.code() == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specialty_accepts_the_spellings_members_type() {
        for s in ["histo", "Histotech", "histotechnologist", "HT", "histology"] {
            assert_eq!(Specialty::parse(s), Ok(Specialty::Histotechnology), "{s}");
        }
        for s in [
            "med tech",
            "MedTech",
            "med-tech",
            "MLS",
            "medical laboratory scientist",
        ] {
            assert_eq!(Specialty::parse(s), Ok(Specialty::Mls), "{s}");
        }
        assert_eq!(Specialty::parse("blood bank"), Ok(Specialty::BloodBank));
        assert_eq!(
            Specialty::parse("pathologists' assistant"),
            Ok(Specialty::PathologistsAssistant)
        );
    }

    #[test]
    fn state_accepts_code_and_name_in_any_case() {
        for s in ["Ohio", "OH", "ohio", "oh"] {
            assert_eq!(State::parse(s), Ok(State::OH), "{s}");
        }
        assert_eq!(State::parse("north carolina"), Ok(State::NC));
        assert_eq!(State::parse("Washington, D.C."), Ok(State::DC));
    }

    #[test]
    fn unknown_value_lists_what_is_accepted_and_suggests_the_nearest() {
        let err = Specialty::parse("histoo").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("\"histoo\" is not a specialty"), "{text}");
        assert!(text.contains("Did you mean histotechnology?"), "{text}");
        assert!(text.contains("phlebotomy"), "{text}");
        let err = State::parse("Ohiio").unwrap_err();
        assert_eq!(err.suggestion, Some("OH"));
    }

    #[test]
    fn codes_round_trip() {
        for &s in Specialty::ALL {
            assert_eq!(from_code::<Specialty>(s.code()), Some(s));
            assert_eq!(Specialty::parse(s.code()), Ok(s));
        }
        for &s in State::ALL {
            assert_eq!(State::parse(s.label()), Ok(s));
        }
    }

    #[test]
    fn hybrid_groups_suit_online_and_in_person_seekers() {
        assert!(Format::Hybrid.suits(Format::Online));
        assert!(Format::Hybrid.suits(Format::InPerson));
        assert!(!Format::Online.suits(Format::InPerson));
    }
}

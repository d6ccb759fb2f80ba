//! The SOP files kept in `sop/` beside the shipped one: every file there must stay valid, and
//! the two real SOPs transcribed to exercise the intake keys must keep the shapes they were
//! added for (an employee who asks and superiors who initial; a "no" that loops back).

// clippy.toml allows panics in `#[test]` functions only; the helper below is test code too, and
// its panic is the failure report we want.
#![allow(clippy::panic)]

use std::path::Path;

use pelihara_sop::{
    FieldKind, Need, Requester, SopDefinition, StepForm, StepKind, Target, parse_definition,
};

const LEAVE: &str = include_str!("../../../sop/pemberian-izin-cuti.toml");
const WEIGHING: &str = include_str!("../../../sop/penimbangan-kendaraan-timbang-portable.toml");

fn parse(name: &str, text: &str) -> SopDefinition {
    match parse_definition(name, text) {
        Ok(definition) => definition,
        Err(errors) => panic!("{name} is not valid: {errors:?}"),
    }
}

#[test]
fn every_sop_file_in_the_repository_is_valid() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sop");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path
            .extension()
            .is_some_and(|extension| extension == "toml")
        {
            let text = std::fs::read_to_string(&path).unwrap();
            parse(&path.display().to_string(), &text);
            checked += 1;
        }
    }
    // The shipped Demak SOP and the two transcribed here, at least.
    assert!(
        checked >= 3,
        "only {checked} SOP files found in {}",
        dir.display()
    );
}

#[test]
fn the_leave_sop_is_asked_by_an_employee_and_approved_by_paraf() {
    let sop = parse("sop/pemberian-izin-cuti.toml", LEAVE);
    assert_eq!(sop.intake.requester, Requester::Employee);
    assert_eq!(sop.intake.letter, Need::None);
    assert_eq!(sop.intake.app, Need::None);
    assert!(!sop.intake.maintenance);
    let [field] = sop.intake.fields.as_slice() else {
        panic!("one start-form field expected: {:?}", sop.intake.fields);
    };
    assert_eq!(
        (field.id.as_str(), field.kind),
        ("lama_cuti", FieldKind::Number)
    );

    let requester: Vec<&str> = sop
        .actors
        .iter()
        .filter(|actor| actor.requester)
        .map(|actor| actor.id.as_str())
        .collect();
    assert_eq!(requester, ["pemohon"]);
    let start = &sop.steps[0];
    assert_eq!(
        (start.kind, start.actors[0].as_str()),
        (StepKind::Start, "pemohon")
    );

    // The three superiors initial in the table's order, then the Ketua signs the letter.
    let paraf: Vec<(u32, &str)> = sop
        .steps
        .iter()
        .filter(|step| step.form == StepForm::Paraf)
        .map(|step| (step.no, step.actors[0].as_str()))
        .collect();
    assert_eq!(
        paraf,
        [
            (3, "atasan_langsung"),
            (4, "panitera_sekretaris"),
            (5, "ketua_pengadilan"),
            (7, "ketua_pengadilan"),
        ]
    );
    assert_eq!(sop.steps.len(), 11);
    assert_eq!(sop.steps[10].kind, StepKind::End);
}

#[test]
fn the_weighing_sop_sends_a_refused_draft_back_to_step_1() {
    let sop = parse("sop/penimbangan-kendaraan-timbang-portable.toml", WEIGHING);
    assert_eq!(
        sop.intake.requester,
        Requester::Position("petugas_administrasi".to_owned())
    );
    assert!(sop.actors.iter().all(|actor| !actor.requester));

    let decisions: Vec<(u32, StepForm, &Target, &str)> = sop
        .steps
        .iter()
        .filter_map(|step| {
            let decision = step.decision.as_ref()?;
            Some((
                step.no,
                step.form,
                &decision.if_no,
                decision.decided_by.as_str(),
            ))
        })
        .collect();
    assert_eq!(
        decisions,
        [(2, StepForm::Decision, &Target::Step(1), "kepala_dinas")]
    );
    // The section and division heads paraf before the head of office answers.
    assert_eq!(sop.steps[1].joint, pelihara_sop::Joint::All);
    // "Ya" goes on to the numbering of the letter.
    assert_eq!(sop.steps[1].next, Some(3));
    // The slip "portablee" in step 6 is kept as written and read in an erratum.
    assert!(sop.steps[5].activity.ends_with("portablee"));
    assert_eq!(sop.errata.len(), 1);
}

"""Legitimate medical passages, written for this project, used as hard negatives.

Every passage names real drugs for good reasons: leaflets, side effects, dosing, interactions,
legal warnings about rogue online pharmacies, patient-forum posts, clumsy machine-translated
health articles, and news about approvals and lawsuits. A detector that flags these is a word
list, not a judge of context. Passages come from templates with slot fillers so that the same
drug appears in many legitimate settings; each rendered passage has a stable id so that the
train/test split can separate source texts.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Drug:
    """One medicine as a leaflet would describe it."""

    brand: str
    generic: str
    drug_class: str
    use: str
    side_effects: tuple[str, ...]
    dose: str
    interaction: str


DRUGS: tuple[Drug, ...] = (
    Drug(
        "Reglan",
        "metoclopramide",
        "dopamine antagonist",
        "nausea and slow stomach emptying",
        ("drowsiness", "restlessness", "tardive dyskinesia"),
        "10 mg up to three times a day",
        "other medicines that act on dopamine, such as antipsychotics",
    ),
    Drug(
        "Viagra",
        "sildenafil",
        "PDE5 inhibitor",
        "erectile dysfunction",
        ("headache", "flushing", "a blocked nose"),
        "50 mg about an hour before sexual activity",
        "nitrates used for chest pain",
    ),
    Drug(
        "Cialis",
        "tadalafil",
        "PDE5 inhibitor",
        "erectile dysfunction and an enlarged prostate",
        ("back pain", "indigestion", "headache"),
        "10 mg, or 5 mg once daily",
        "nitrates and some alpha blockers",
    ),
    Drug(
        "Levitra",
        "vardenafil",
        "PDE5 inhibitor",
        "erectile dysfunction",
        ("dizziness", "flushing", "nasal congestion"),
        "10 mg as needed",
        "nitrates and ritonavir",
    ),
    Drug(
        "Lasix",
        "furosemide",
        "loop diuretic",
        "fluid retention and high blood pressure",
        ("low potassium", "dehydration", "dizziness on standing"),
        "20 to 40 mg in the morning",
        "lithium and some antibiotics that affect hearing",
    ),
    Drug(
        "Synthroid",
        "levothyroxine",
        "thyroid hormone",
        "an underactive thyroid",
        ("palpitations", "sweating", "trouble sleeping"),
        "a dose adjusted to TSH tests",
        "calcium and iron supplements taken at the same time",
    ),
    Drug(
        "Zithromax",
        "azithromycin",
        "macrolide antibiotic",
        "chest and skin infections",
        ("diarrhoea", "stomach pain", "changes in heart rhythm"),
        "500 mg once a day for three days",
        "antacids containing aluminium or magnesium",
    ),
    Drug(
        "Deltasone",
        "prednisone",
        "corticosteroid",
        "inflammation, asthma flares and arthritis",
        ("raised blood sugar", "mood changes", "weight gain"),
        "a short course starting at 20 to 40 mg",
        "anti-inflammatory painkillers such as ibuprofen",
    ),
    Drug(
        "Ultram",
        "tramadol",
        "opioid pain reliever",
        "moderate to severe pain",
        ("constipation", "nausea", "dependence"),
        "50 to 100 mg every four to six hours",
        "antidepressants that raise serotonin",
    ),
    Drug(
        "Xanax",
        "alprazolam",
        "benzodiazepine",
        "anxiety and panic disorder",
        ("sleepiness", "poor coordination", "dependence"),
        "0.25 to 0.5 mg three times a day",
        "alcohol and opioid painkillers",
    ),
    Drug(
        "Zoloft",
        "sertraline",
        "SSRI antidepressant",
        "depression and anxiety disorders",
        ("nausea", "sleep problems", "sexual side effects"),
        "50 mg once daily",
        "tramadol, triptans and other serotonergic drugs",
    ),
    Drug(
        "Prozac",
        "fluoxetine",
        "SSRI antidepressant",
        "depression and bulimia",
        ("nervousness", "insomnia", "loss of appetite"),
        "20 mg in the morning",
        "MAO inhibitors, which must be stopped weeks before",
    ),
    Drug(
        "Lipitor",
        "atorvastatin",
        "statin",
        "high cholesterol",
        ("muscle aches", "raised liver enzymes", "digestive upset"),
        "10 to 80 mg once daily",
        "grapefruit juice in large amounts and some antifungals",
    ),
    Drug(
        "Glucophage",
        "metformin",
        "biguanide",
        "type 2 diabetes",
        ("diarrhoea", "a metallic taste", "vitamin B12 deficiency"),
        "500 mg twice daily with meals",
        "iodinated contrast dye used in scans",
    ),
    Drug(
        "Coumadin",
        "warfarin",
        "anticoagulant",
        "preventing blood clots",
        ("bleeding", "bruising", "hair thinning"),
        "a dose set by regular INR blood tests",
        "many antibiotics, aspirin and leafy greens in changing amounts",
    ),
    Drug(
        "Neurontin",
        "gabapentin",
        "anticonvulsant",
        "nerve pain and seizures",
        ("dizziness", "tiredness", "swelling of the ankles"),
        "300 mg at night, increased slowly",
        "opioids and antacids",
    ),
    Drug(
        "Zyban",
        "bupropion",
        "antidepressant",
        "depression and help with quitting smoking",
        ("dry mouth", "insomnia", "a small risk of seizures"),
        "150 mg once daily at first",
        "drugs that lower the seizure threshold",
    ),
    Drug(
        "Advair",
        "fluticasone and salmeterol",
        "inhaled steroid with a long-acting bronchodilator",
        "asthma and COPD",
        ("hoarseness", "thrush in the mouth", "headache"),
        "one inhalation twice daily",
        "strong CYP3A4 inhibitors such as ketoconazole",
    ),
    Drug(
        "Symbicort",
        "budesonide and formoterol",
        "inhaled steroid with a bronchodilator",
        "asthma and COPD",
        ("tremor", "throat irritation", "palpitations"),
        "two puffs twice daily",
        "beta blockers",
    ),
    Drug(
        "Cymbalta",
        "duloxetine",
        "SNRI antidepressant",
        "depression, anxiety and nerve pain",
        ("nausea", "dry mouth", "sweating"),
        "60 mg once daily",
        "other serotonergic medicines",
    ),
    Drug(
        "Tamiflu",
        "oseltamivir",
        "antiviral",
        "influenza",
        ("nausea", "vomiting", "headache"),
        "75 mg twice daily for five days",
        "live nasal flu vaccine",
    ),
    Drug(
        "Accutane",
        "isotretinoin",
        "retinoid",
        "severe nodular acne",
        ("dry lips", "nosebleeds", "birth defects if taken in pregnancy"),
        "a weight-based daily dose",
        "tetracycline antibiotics",
    ),
    Drug(
        "Priligy",
        "dapoxetine",
        "short-acting SSRI",
        "premature ejaculation",
        ("nausea", "dizziness", "fainting"),
        "30 mg one to three hours before sex",
        "other antidepressants and strong CYP3A4 inhibitors",
    ),
    Drug(
        "Periactin",
        "cyproheptadine",
        "antihistamine",
        "allergy symptoms",
        ("drowsiness", "increased appetite", "dry mouth"),
        "4 mg three times a day",
        "alcohol and sedatives",
    ),
    Drug(
        "Buspar",
        "buspirone",
        "anxiolytic",
        "generalised anxiety",
        ("dizziness", "headache", "nausea"),
        "7.5 mg twice daily",
        "grapefruit juice and MAO inhibitors",
    ),
    Drug(
        "Addyi",
        "flibanserin",
        "serotonin receptor agent",
        "low sexual desire in premenopausal women",
        ("low blood pressure", "fainting", "sleepiness"),
        "100 mg at bedtime",
        "alcohol",
    ),
    Drug(
        "Propecia",
        "finasteride",
        "5-alpha reductase inhibitor",
        "male pattern hair loss",
        ("reduced libido", "breast tenderness", "mood changes"),
        "1 mg once daily",
        "few important interactions",
    ),
    Drug(
        "Valtrex",
        "valacyclovir",
        "antiviral",
        "shingles and cold sores",
        ("headache", "nausea", "kidney problems in the elderly"),
        "1 g three times a day for a week",
        "other drugs that strain the kidneys",
    ),
    Drug(
        "Nexium",
        "esomeprazole",
        "proton pump inhibitor",
        "acid reflux and ulcers",
        ("headache", "diarrhoea", "low magnesium with long use"),
        "20 to 40 mg before breakfast",
        "clopidogrel",
    ),
    Drug(
        "Plavix",
        "clopidogrel",
        "antiplatelet",
        "preventing heart attacks and strokes",
        ("bleeding", "bruising", "rash"),
        "75 mg once daily",
        "omeprazole and esomeprazole",
    ),
    Drug(
        "Ambien",
        "zolpidem",
        "sleep medicine",
        "short-term insomnia",
        ("next-day drowsiness", "sleepwalking", "memory gaps"),
        "5 to 10 mg at bedtime",
        "alcohol and other sedatives",
    ),
    Drug(
        "Diflucan",
        "fluconazole",
        "antifungal",
        "thrush and other yeast infections",
        ("nausea", "headache", "liver changes"),
        "a single 150 mg dose",
        "warfarin and some statins",
    ),
    Drug(
        "Flagyl",
        "metronidazole",
        "antibiotic",
        "anaerobic and parasitic infections",
        ("a metallic taste", "nausea", "dark urine"),
        "400 mg three times a day",
        "alcohol",
    ),
    Drug(
        "Seroquel",
        "quetiapine",
        "antipsychotic",
        "schizophrenia and bipolar disorder",
        ("weight gain", "sleepiness", "raised cholesterol"),
        "a dose titrated over several days",
        "other drugs that prolong the QT interval",
    ),
    Drug(
        "Tegretol",
        "carbamazepine",
        "anticonvulsant",
        "epilepsy and trigeminal neuralgia",
        ("dizziness", "low sodium", "skin reactions"),
        "100 to 200 mg twice daily, increased slowly",
        "hormonal contraceptives, whose effect it weakens",
    ),
    Drug(
        "Lioresal",
        "baclofen",
        "muscle relaxant",
        "muscle spasticity",
        ("drowsiness", "weakness", "confusion"),
        "5 mg three times a day, increased slowly",
        "alcohol and sedatives",
    ),
    Drug(
        "Klonopin",
        "clonazepam",
        "benzodiazepine",
        "seizures and panic disorder",
        ("drowsiness", "unsteadiness", "dependence"),
        "0.25 mg twice daily at first",
        "opioids and alcohol",
    ),
    Drug(
        "Soma",
        "carisoprodol",
        "muscle relaxant",
        "short-term back pain",
        ("drowsiness", "dizziness", "dependence"),
        "250 to 350 mg three times a day",
        "alcohol",
    ),
)

FIRST_NAMES = (
    "Maria",
    "Tom",
    "Anita",
    "Greg",
    "Li",
    "Sofia",
    "Dave",
    "Priya",
    "Olu",
    "Hannah",
    "Marek",
    "Jo",
)
CITIES = ("Leeds", "Ohio", "Toronto", "Brisbane", "Dublin", "Austin", "Cardiff", "Pune", "Denver", "Halifax")
AGENCIES = ("the FDA", "the European Medicines Agency", "Health Canada", "the MHRA", "the TGA")


def _leaflet(d: Drug, r: random.Random) -> str:
    se = ", ".join(d.side_effects[:-1]) + " and " + d.side_effects[-1]
    return (
        f"What {d.brand} is and what it is used for. {d.brand} contains the active substance {d.generic}, "
        f"a {d.drug_class}. It is used to treat {d.use}. Before you take {d.generic}, tell your doctor or "
        f"pharmacist if you are pregnant, breastfeeding or taking other medicines. The most common side "
        f"effects are {se}. Keep this leaflet; you may need to read it again."
    )


def _side_effects(d: Drug, r: random.Random) -> str:
    a, b, c = d.side_effects
    return (
        f"Like all medicines, {d.generic} can cause side effects, although not everybody gets them. "
        f"Some people notice {a} in the first weeks of treatment, which often settles. Tell your doctor "
        f"straight away if you develop {c}. {b.capitalize()} has also been reported. If any side effect "
        f"gets serious, stop taking {d.brand} and seek medical advice."
    )


def _dosing(d: Drug, r: random.Random) -> str:
    return (
        f"Dosage. The usual adult dose of {d.generic} ({d.brand}) is {d.dose}. Your doctor may change the "
        f"dose depending on your kidney and liver function and on how you respond. Do not take a double "
        f"dose to make up for a forgotten one. Older patients often start on a lower dose of {d.generic}."
    )


def _interactions(d: Drug, r: random.Random) -> str:
    return (
        f"Drug interactions. {d.brand} may interact with {d.interaction}. Always give your pharmacist a "
        f"full list of what you take, including herbal remedies such as St John's wort. If you are "
        f"unsure whether it is safe to combine {d.generic} with another medicine, ask before you start."
    )


def _legal_warning(d: Drug, r: random.Random) -> str:
    agency = r.choice(AGENCIES)
    return (
        f"A warning about online pharmacies. Websites that offer {d.generic} or {d.brand} without a "
        f"prescription are operating illegally, and {agency} has repeatedly found counterfeit tablets "
        f"sold this way. Online pharmacies that sell {d.generic} without a prescription are illegal; "
        f"a legitimate pharmacy will always ask for one and will list a registered pharmacist. Do not "
        f"buy {d.brand} from spam emails or pop-up adverts."
    )


def _forum(d: Drug, r: random.Random) -> str:
    name, city = r.choice(FIRST_NAMES), r.choice(CITIES)
    a = d.side_effects[0]
    return (
        f"Posted by {name} from {city}: my GP started me on {d.brand} last month for {d.use}. The first "
        f"week was rough, mostly {a}, but it has eased off. Has anyone else taken {d.generic} for long? "
        f"My pharmacist said to take it at the same time every day, which seems to help. Reply: I was on "
        f"{d.generic} for a year and the {a} went away after about ten days. Stick with it and keep your "
        f"follow-up appointment."
    )


def _machine_translated(d: Drug, r: random.Random) -> str:
    # Clumsy machine-translated English is common on small health sites; it is not spam by itself,
    # and the specimen's carrier text reads exactly like this.
    return (
        f"The preparation {d.brand} is the means of the group {d.drug_class}s, which is applied at "
        f"{d.use}. Active component is {d.generic}. Reception of medicine is carried out strictly on "
        f"appointment of the doctor, the dosage is selected individually. Among undesirable phenomena "
        f"there are {d.side_effects[0]} and {d.side_effects[1]}. It is impossible to combine the "
        f"preparation with {d.interaction} without consultation of the expert."
    )


def _approval_news(d: Drug, r: random.Random) -> str:
    agency, year = r.choice(AGENCIES), r.randint(2009, 2024)
    return (
        f"In {year}, {agency} approved a new generic version of {d.brand} ({d.generic}) for {d.use}. "
        f"Analysts expect prices for {d.generic} to fall as more manufacturers enter the market. The "
        f"original maker said the decision followed the expiry of its patent, and pharmacists welcomed "
        f"the change for patients who pay for {d.brand} out of pocket."
    )


def _lawsuit_news(d: Drug, r: random.Random) -> str:
    year, n = r.randint(2005, 2023), r.randint(40, 900)
    return (
        f"Lawsuit update, {year}: more than {n} patients have joined a claim alleging that the maker of "
        f"{d.brand} did not warn clearly enough about {d.side_effects[-1]}. Court filings say labels for "
        f"{d.generic} were updated only after reports reached regulators. The company denies the claims "
        f"and says {d.brand} remains safe when used as directed."
    )


def _pharmacist_qa(d: Drug, r: random.Random) -> str:
    return (
        f"Ask the pharmacist. Question: can I drink alcohol while taking {d.generic}? Answer: it is best "
        f"to avoid it, because alcohol can make {d.side_effects[0]} worse and some people taking {d.brand} "
        f"feel it more strongly. If you are travelling, carry {d.generic} in your hand luggage with a copy "
        f"of your prescription, and check the rules of the country you are visiting."
    )


def _study_abstract(d: Drug, r: random.Random) -> str:
    n, pct = r.randint(60, 2400), r.randint(12, 71)
    return (
        f"Abstract. We conducted a randomised controlled trial of {d.generic} in {n} adults with "
        f"{d.use}. After twelve weeks, {pct}% of participants on {d.generic} improved compared with "
        f"placebo. Adverse events included {d.side_effects[0]} and {d.side_effects[1]}. These results "
        f"support current guidance on the use of {d.brand} but longer follow-up is needed."
    )


def _formulary(d: Drug, r: random.Random) -> str:
    colour = r.choice(("green", "amber", "red"))
    return (
        f"Formulary status: {d.generic} ({d.brand}) is classified {colour} for {d.use}. Initiation is "
        f"recommended by the specialist team; ongoing prescriptions may be issued in primary care once the "
        f"patient is stable. Review the need for {d.generic} at least once a year and record side effects "
        f"such as {d.side_effects[1]} in the patient notes."
    )


TEMPLATES = {
    "leaflet": _leaflet,
    "side_effects": _side_effects,
    "dosing": _dosing,
    "interactions": _interactions,
    "legal_warning": _legal_warning,
    "forum": _forum,
    "machine_translated": _machine_translated,
    "approval_news": _approval_news,
    "lawsuit_news": _lawsuit_news,
    "pharmacist_qa": _pharmacist_qa,
    "study_abstract": _study_abstract,
    "formulary": _formulary,
}

# A few free-standing passages that do not fit the templates: general health writing that names
# drug classes, warns about fake pills, or discusses hemifacial spasm like the specimen's page.
STANDALONE: tuple[str, ...] = (
    "Hemifacial spasm is an involuntary twitching of the muscles on one side of the face. Most cases are "
    "caused by a blood vessel pressing on the facial nerve. Botulinum toxin injections every three to "
    "four months control the spasms in most patients; carbamazepine, clonazepam and baclofen help some "
    "people with mild symptoms, and microvascular decompression surgery can be curative.",
    "Counterfeit medicines are a growing problem. Investigators bought so-called generic Viagra and "
    "Cialis from a dozen websites and found that most tablets contained the wrong dose or none of the "
    "active ingredient. Buying prescription drugs from unlicensed sites puts your health at risk.",
    "Antibiotic resistance happens when bacteria change so that medicines such as amoxicillin, "
    "azithromycin or ciprofloxacin no longer work against them. Take antibiotics only when prescribed, "
    "finish the course as directed, and never share leftover tablets.",
    "Metoclopramide carries a boxed warning because long-term use can cause tardive dyskinesia, a movement "
    "disorder that may not go away. Treatment should not normally last longer than twelve weeks, and "
    "doctors prescribe it cautiously in older adults.",
    "The pharmacy will be closed on the bank holiday. Repeat prescriptions for medicines such as "
    "levothyroxine, metformin and atorvastatin should be ordered by Thursday so that they are ready "
    "before the weekend.",
    "Opioid painkillers like tramadol, codeine and oxycodone can be addictive. If you have been taking "
    "them for more than a few weeks, do not stop suddenly; your doctor can plan a gradual reduction.",
    "Erectile dysfunction is common and often linked to heart disease, diabetes or smoking. Drugs such "
    "as sildenafil and tadalafil help many men, but a check-up is important because the problem can be "
    "an early sign of vascular disease.",
    "Sleeping tablets such as zolpidem are meant for short courses. Good sleep habits, a regular "
    "bedtime and avoiding screens late at night are the first steps recommended by sleep clinics.",
)


def medical_passages() -> list[tuple[str, str]]:
    """All legitimate medical passages as ``(id, text)``, rendered deterministically."""
    out: list[tuple[str, str]] = []
    for name, fn in TEMPLATES.items():
        for d in DRUGS:
            pid = f"med:{name}:{d.generic}"
            # The slot fillers depend on the passage id only, never on a generation seed, so the
            # passage pool (and thus the train/test split of source texts) is fixed.
            r = random.Random(int(hashlib.sha256(pid.encode()).hexdigest()[:12], 16))
            out.append((pid, fn(d, r)))
    for i, text in enumerate(STANDALONE):
        out.append((f"med:standalone:{i}", text))
    return out

"""Scoring and verdicts: injected phrases versus legitimate mentions, by context (hard negatives we wrote)."""

from __future__ import annotations

import pytest

from spamscalpel import Config, Document, analyze
from spamscalpel.score import get_scorer

LEGITIMATE = [
    "Metoclopramide can cause tardive dyskinesia, so doctors limit treatment to twelve weeks.",
    "Online pharmacies that sell tramadol without a prescription are illegal, and their pills may be counterfeit.",
    "Patients taking sildenafil (Viagra) should not use nitrates; the usual dose is 50 mg about an hour before.",
    "Reglan is a brand of metoclopramide. Reglan is used for heartburn and for diabetic gastroparesis.",
    "We went to buy tickets online for the concert and then had dinner by the harbour.",
    "A history of the casino in Monte Carlo: the casino opened in 1863 and saved the principality's finances.",
    "Only buy medicines from a licensed pharmacy; ask your pharmacist whether a generic is right for you.",
    "The trial compared tadalafil 5 mg once daily with placebo in 600 men with erectile dysfunction.",
    "Ask your doctor before you combine ibuprofen with warfarin, because the bleeding risk rises.",
    "Tegretol (carbamazepine) and Lioresal (baclofen) are sometimes tried before botulinum toxin injections.",
    "Payday came on Friday, so we paid off the loan for the car and went out for pizza.",
    "My comment moderation queue is full of bots again; one spam comment just said "
    "“buy levitra no prescription” and linked to a shop.",
]

INJECTED = [
    ("Scientists attribute this to buy metoclopramide online of the structure of the skull.", "pharma"),
    ("Our tomatoes love the sun, cheap viagra australia, and they need water every second day.", "pharma"),
    (
        "The fall colou online pharmacy buy symbicort with best prices today in the USA rs are lovely.",
        "pharma",
    ),
    ("Take the left fork at the old mill. payday loans no credit check The path then climbs.", "loans"),
    ("Add the flour slowly best online casino bonus and stir until smooth.", "gambling"),
    ("The museum reopens on Monday replica watches for sale and the cafe stays closed.", "replica"),
    ("Our knitting circle meets weekly write my essay cheap in the library hall.", "essay"),
]


@pytest.mark.parametrize("text", LEGITIMATE)
def test_legitimate_mentions_stay_clean(text: str) -> None:
    report = analyze(text)
    assert report.verdict == "clean", report.to_dict()
    assert report.spans == ()


@pytest.mark.parametrize(("text", "category"), INJECTED)
def test_injected_phrases_are_found(text: str, category: str) -> None:
    report = analyze(text)
    assert report.verdict in ("injected", "spam_page"), report.to_dict()
    assert any(s.category == category for s in report.spans)
    for s in report.spans:
        assert text[s.start : s.end] == s.text
        assert s.evidence, "every finding carries evidence"
        assert all(e.detail for e in s.evidence)


def test_rotation_across_a_page_flags_bare_mentions() -> None:
    text = (
        "The disease was first described in 1875. Its cause of reglan pills remains debated.\n"
        "Doctors examine the nerve to determine the cause of reglan online.\n"
        "Tumor lesions of metoclopramide, in particular its trunk, compress the nerve.\n"
        "Observance of correct doses is of reglan importance for every patient."
    )
    report = analyze(text)
    found = {s.text for s in report.spans}
    assert {"reglan pills", "reglan online", "metoclopramide", "reglan"} <= found
    rot = [e for s in report.spans for e in s.evidence if e.kind == "rotation"]
    assert rot and "metoclopramide" in rot[0].detail


def test_doorway_page_is_a_spam_page() -> None:
    text = (
        "Buy Prednisone 20mg Online\n\n"
        "Prednisone 20mg is a steroid. Many people buy prednisone 20mg online because prednisone 20mg is cheap. "
        "When you order prednisone 20mg you save money, and prednisone 20mg ships fast."
    )
    report = analyze(text)
    assert report.verdict == "spam_page"
    assert {e.kind for e in report.evidence} & {"doorway", "keyword_stuffing", "spam_coverage"}


def test_threshold_is_respected() -> None:
    text = "Our tomatoes love the sun, cheap viagra australia, and they need water."
    assert analyze(text, Config(threshold=0.999)).verdict == "clean"


def test_unknown_scorer_lists_known_ones() -> None:
    with pytest.raises(ValueError, match="rules_v1"):
        get_scorer("no_such_scorer")


def test_report_schema_roundtrip() -> None:
    from spamscalpel.types import Report

    r = analyze(
        Document("doc-1", "The fall colou online pharmacy buy zyban with best prices today in the USA rs.")
    )
    d = r.to_dict()
    assert set(d) >= {"id", "verdict", "score", "spans"}
    assert 0.0 <= d["score"] <= 1.0
    assert Report.from_dict(d).to_dict() == d


# A spun block: three sentences, each carrying a sales phrase, pasted into a sentence of the page.
_HOST_HEAD = "The bridge over the river was finished in the spring and the village held a fair near "
_SPUN = (
    "Ask your pharmacist which form suits you best buy cialis online before the trip. "
    "Keep the tablets dry and cool cheap levitra no prescription in a closed box. "
    "Most people feel fine after a week viagra 100mg best price and carry on as usual."
)
_HOST_TAIL = " the old mill, where the miller sold bread and cider to the visitors."


@pytest.mark.parametrize("scorer", ["rules_v1", "model_v1"])
def test_spun_block_pasted_mid_sentence_is_one_span(scorer: str) -> None:
    text = _HOST_HEAD + _SPUN + _HOST_TAIL
    report = analyze(text, Config(scorer=scorer))
    assert [(s.start, s.end) for s in report.spans] == [(len(_HOST_HEAD), len(_HOST_HEAD) + len(_SPUN))]
    assert report.spans[0].evidence[0].kind == "spun_block"


def test_spun_block_in_an_html_paragraph_is_one_span() -> None:
    # A paragraph of its own with spam in four sentences: a pasted spun article.
    spun = _SPUN + " The tablets came from a shop online tramadol cheap in a plain box."
    html = f"<html><body><p>The bridge was finished in the spring.</p><p>{spun}</p><p>The mill sold bread.</p></body></html>"
    report = analyze(Document(id="h", text=html, format="html"))
    start = html.index(spun)
    assert [(s.start, s.end) for s in report.spans] == [(start, start + len(spun))]
    assert report.spans[0].text == spun


def test_phrases_scattered_through_a_page_are_cut_one_by_one() -> None:
    text = (
        "The bridge over the river was finished in the spring, buy cialis online. The village held a fair. "
        "Farmers brought their cattle and sheep to the market square. Children ran between the stalls. "
        "The band played until late cheap levitra no prescription and nobody went home early. It rained. "
        "The mayor gave a short speech about the harvest. Later viagra 100mg best price was the talk of the town."
    )
    report = analyze(text)
    assert [s.text for s in report.spans] == [
        "buy cialis online",
        "cheap levitra no prescription",
        "viagra 100mg best price",
    ]


def test_a_page_paragraph_full_of_anchors_is_not_cut_whole() -> None:
    # Anchors of two products in three sentences that open a longer paragraph of the page's own
    # text: the paragraph edge is the only sign of a block, so only the anchors are cut.
    own = (
        "The bridge over the river was finished in the spring buy cialis online and opened in May. "
        "The village held a fair cheap levitra no prescription on the green. "
        "Farmers brought viagra 100mg best price their cattle to the market. "
    )
    rest = (
        "Children ran between the stalls. The band played until late and nobody went home early. "
        "The mayor gave a short speech about the harvest, and the baker sold out of bread by noon. "
        "In the evening the fiddlers played in the barn while the older farmers talked about the price "
        "of wool, the new road to the coast and the wet summer that had spoiled half the hay."
    )
    report = analyze(own + rest + "\n\nThe next day it rained.")
    assert [s.text for s in report.spans] == [
        "buy cialis online",
        "cheap levitra no prescription",
        "viagra 100mg best price",
    ]
    # The same three sentences as a paragraph of their own stand apart by paragraph edges alone,
    # which every paragraph has: still only the anchors are cut.
    report = analyze("The bridge was finished in the spring.\n\n" + own.strip() + "\n\n" + rest)
    assert [s.text for s in report.spans] == [
        "buy cialis online",
        "cheap levitra no prescription",
        "viagra 100mg best price",
    ]
    # With spam in a fourth sentence the paragraph runs on as spun text does: cut whole.
    spun = own + "The baker sold tramadol online cheap out of bread by noon."
    report = analyze("The bridge was finished in the spring.\n\n" + spun + "\n\n" + rest)
    assert [s.text for s in report.spans] == [spun]
    assert report.spans[0].evidence[0].kind == "spun_block"


@pytest.mark.parametrize(
    ("text", "glued_at"),
    [
        # A pasted sentence: a capitalised ordinary word straight after a lower-case one.
        ("the village held a fair near Ask your pharmacist", "Ask"),
        ("the shop sold the The tablets", "The"),
        # Names are the page's own sentence going on.
        ("On 3 February the Court delivered its ruling", None),
        ("the European Medicines Agency approved it", None),
        ("it is time to go Art Neuendorffer said", None),
        ("the company says Xanax remains safe", None),
    ],
)
def test_glue_point_is_not_a_name(text: str, glued_at: str | None) -> None:
    from spamscalpel.blocks import glued_start as _glued_start

    got = _glued_start(text, 0, len(text))
    assert got == (text.index(" " + glued_at) + 1 if glued_at else 0)


def test_spun_health_prose_on_a_page_about_something_else_is_cut_whole() -> None:
    # Three anchored sentences in a paragraph of their own, nothing glued: on a garden blog they are
    # still cut whole, because they are rewritten medical copy and the page is not about health.
    garden = (
        "We dug the new bed on Saturday and planted the leeks in two long rows. The soil was heavy "
        "after the rain, so we forked in compost from the heap by the shed. The beans are climbing "
        "the canes already and the first courgettes are the size of a thumb. Next week we will net "
        "the strawberries before the blackbirds find them."
    )
    spun = (
        "Most men with impotence buy cialis online notice better blood flow within the hour. "
        "The tablets relax the muscles cheap levitra no prescription around the vessels of the organ. "
        "Side effects such as headache viagra 100mg best price fade as the body adapts."
    )
    report = analyze(garden + "\n\n" + spun + "\n\n" + garden)
    assert [s.text for s in report.spans] == [spun]
    assert report.spans[0].evidence[0].kind == "spun_block"


def test_a_pair_of_phrases_in_a_paragraph_of_its_own_is_cut_one_by_one() -> None:
    # Two phrases around other drug names, in a paragraph that no sentence of the page runs into:
    # the page's own drug news with two keywords stuck in, not a pasted block.
    para = (
        "In 2010 the regulator essay writing service approved a generic version of Periactin "
        "(cyproheptadine). Analysts expect prices for cyproheptadine to fall dissertation help soon."
    )
    report = analyze("The pharmacy news this week.\n\n" + para + "\n\nThat is all for now.")
    assert [s.text for s in report.spans] == ["essay writing service", "dissertation help"]


def test_a_block_glued_onto_a_page_sentence_is_cut_whole_even_mid_paragraph() -> None:
    # Pasted after "the old" with no full stop: the glued capital shows the paste, so the block is
    # cut whole although the paragraph goes on after it with sentences of its own.
    block = (
        "Many people buy cialis online before trying anything else. "
        "Doctors say cheap levitra no prescription is sold everywhere. "
        "Stores list viagra 100mg best price beside the till."
    )
    page = (
        "We walked to the old " + block + " The mill was built in 1820 and ground corn for the village. "
        "It stopped in the war, and the wheel was restored by volunteers in the nineties. "
        "Today it grinds flour on open days, and the café sells bread baked from it."
    )
    report = analyze(page)
    start = page.index(block)
    assert [(s.start, s.end) for s in report.spans] == [(start, start + len(block))]


def test_a_pasted_block_for_one_product_is_cut_whole() -> None:
    # One drug in three anchored sentences, glued onto "the old": spun text can push one product.
    block = (
        "Many people buy cialis online before trying anything else. "
        "Doctors say cheap cialis no prescription is sold everywhere. "
        "Stores list cialis 20mg best price beside the till."
    )
    page = (
        "We walked to the old " + block + " The mill was built in 1820 and ground corn for the village. "
        "It stopped in the war, and the wheel was restored by volunteers in the nineties."
    )
    report = analyze(page)
    start = page.index(block)
    assert [(s.start, s.end) for s in report.spans] == [(start, start + len(block))]
    # The same three phrases in the page's own sentences, glued nowhere, are cut one by one.
    own = block.replace("Many people", "\n\nMany people")
    report = analyze("We walked to the old mill." + own + "\n\nThe mill was built in 1820.")
    assert [s.text for s in report.spans] == [
        "buy cialis online",
        "cheap cialis no prescription",
        "cialis 20mg best price",
    ]


def _features(text: str) -> dict[str, dict[str, float]]:
    from spamscalpel.lexicon import load_lexicon
    from spamscalpel.pipeline import find_candidates
    from spamscalpel.score import DocContext
    from spamscalpel.score.features import compute_features
    from spamscalpel.view import plain_view

    view = plain_view(text)
    ctx = DocContext.build(view, load_lexicon(), find_candidates(view))
    return {
        text[c.start : c.end]: f.values for c, f in zip(ctx.candidates, compute_features(ctx), strict=True)
    }


def test_drug_on_a_page_about_something_else_is_off_topic() -> None:
    garden = (
        "We planted the tomatoes in May. The beans climbed the fence by June. "
        "Our neighbour lent us a ladder sertraline for the apple tree. The pears were late this year."
    )
    leaflet = (
        "Sertraline is an antidepressant. Nausea and sleep problems are common in the first weeks. "
        "Tell your doctor if the symptoms get worse. Take sertraline at the same time each day."
    )
    complaint = (
        "Spam again: the spam filter let through forty comments selling sertraline to my garden blog. "
        "We planted the tomatoes in May. The beans climbed the fence by June."
    )
    assert _features(garden)["sertraline"].get("drug_off_topic") == 1.0
    assert _features(garden)["sertraline"].get("sentence_off_topic") == 1.0
    assert all(not f.get("drug_off_topic") for f in _features(leaflet).values())
    assert _features(leaflet)["Sertraline"].get("sentence_off_topic") is None
    assert not _features(complaint)["sertraline"].get("drug_off_topic")


def test_dose_followed_by_a_schedule_reads_as_dosing() -> None:
    feats = _features("The usual dose is tadalafil 5 mg once daily with or without food.")
    assert feats["tadalafil 5 mg"].get("medical_pattern") == 1.0
    feats = _features("The garden looks lovely tadalafil 5 mg cheap and green.")
    assert not any(f.get("medical_pattern") for f in feats.values())


def test_grammar_signs_of_a_pasted_drug_name() -> None:
    feats = _features("The law changed in 2003. seroquel, it turns out, needs a licence.")
    assert feats["seroquel"].get("lowercase_start") == 1.0
    feats = _features("Seroquel is used for schizophrenia. It can cause weight gain.")
    assert not feats["Seroquel"].get("lowercase_start")
    feats = _features("Nobody approves the translations.seroquel\n\nThe next part is about music.")
    assert feats["seroquel"].get("glued_punct") == 1.0
    feats = _features("Prices fell last year. Generic adderall sildenafil costs far less now.")
    assert feats["Generic adderall sildenafil"].get("drug_pair") == 1.0
    feats = _features("Ask about sildenafil (Viagra) or tadalafil, both used for erectile dysfunction.")
    assert not any(f.get("drug_pair") for f in feats.values())


def test_lower_case_list_items_and_dosing_after_a_dose_are_not_injections() -> None:
    feats = _features("Pack these for the trip:\n  • antacids\n  • cortisone creams\n  • cough drops")
    assert not any(f.get("lowercase_start") for f in feats.values())
    feats = _features("Men were randomised to placebo or Cialis 20 mg taken on demand for 12 weeks.")
    assert feats["Cialis 20 mg"].get("medical_pattern") == 1.0


def test_spam_sentences_do_not_make_a_page_about_health() -> None:
    # Two pasted sentences of pharmacy prose carry sales anchors; the page itself is about gardening.
    text = (
        "We planted the tomatoes in May. The beans climbed the fence by June. "
        "Take the tablets with water buy cialis online before a meal. "
        "Ask your doctor about side effects cheap levitra no prescription at once. "
        "Our neighbour lent us a ladder sertraline for the apple tree. The pears were late this year."
    )
    assert _features(text)["sertraline"].get("drug_off_topic") == 1.0


def test_a_gerund_after_of_is_grammar_not_a_paste() -> None:
    """'instead of ordering diazepam online' warns; 'of buy tramadol online' is pasted in."""
    from spamscalpel.analyze import analyze

    base = (
        "Diazepam is a benzodiazepine used for anxiety and muscle spasms. It can cause drowsiness and "
        "dependence, so doctors prescribe it for short periods. {} Tell your doctor about other medicines."
    )
    warned = base.format("Ask your pharmacist instead of ordering diazepam online from unknown sites.")
    assert analyze(warned).verdict == "clean"
    pasted = base.format("The risk of buy diazepam online is real.")
    assert analyze(pasted).is_spam


def _page_features(text: str):
    from spamscalpel.lexicon import load_lexicon
    from spamscalpel.pipeline import find_candidates
    from spamscalpel.score import DocContext
    from spamscalpel.score.features import compute_features
    from spamscalpel.view import plain_view

    view = plain_view(text)
    ctx = DocContext.build(view, load_lexicon(), find_candidates(view))
    return ctx.candidates, compute_features(ctx)


def test_equal_feature_records_are_held_once_and_different_ones_apart() -> None:
    # A listing repeats one phrase: the copies with as many neighbours within 400 characters read
    # alike and share one record; the first ones (fewer neighbours) and a different phrase do not.
    text = (
        "Garden notes.\n" + "cheap viagra online\n" * 200 + "The roses are pruned in March.\nbuy xanax now\n"
    )
    cands, feats = _page_features(text)
    assert len(cands) == 201
    assert len({id(f) for f in feats[30:170]}) == 1
    assert feats[0] is not feats[100] and feats[0].notes["cluster"] != feats[100].notes["cluster"]
    assert cands[-1].term == "xanax" and feats[-1] is not feats[100]
    assert feats[-1].notes["commercial"] != feats[100].notes["commercial"]


def test_a_rotated_drug_gets_its_unexplained_rotation_before_its_record_is_shared() -> None:
    text = (
        "Our village fair was sunny. reglan pills sold out at noon, said the baker. "
        "The band played buy metoclopramide online until six. cheap reglan was the talk. "
        "Everyone went home late. reglan pills again, said the baker."
    )
    cands, feats = _page_features(text)
    rotated = [f for c, f in zip(cands, feats, strict=True) if c.canonical == "metoclopramide"]
    assert rotated and all(f.values.get("rotation_unexplained") for f in rotated)
    assert all("rotation_unexplained" in f.notes for f in rotated)

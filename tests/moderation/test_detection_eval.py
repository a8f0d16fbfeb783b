"""The safeguarding detector measured on the evaluation set in tests/data/safeguarding/.

The set is written by the team, not copied from the pattern files: disclosures in many
phrasings and languages (each with the category a lead would route it to) and benign
near-misses. The test prints recall per category and the false-positive rate, and fails
below the bars the safeguarding lead relies on.
"""

import time
from collections import defaultdict
from pathlib import Path

import pytest

from portal.moderation.safeguarding import CATEGORIES, default_detector

DATA = Path(__file__).resolve().parent.parent / "data" / "safeguarding"
RECALL_OVERALL = 0.98
RECALL_PER_CATEGORY = 0.95
FALSE_POSITIVES_AT_MOST = 0.10
MILLISECONDS_PER_MESSAGE = 50


def rows(pattern: str) -> list[tuple[str, str, str, str]]:
    found = []
    for path in sorted(DATA.glob(pattern)):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                category, kind, language, text = line.split("\t")
                found.append((category, kind, language, text))
                assert category in CATEGORIES or category == "none", f"{path.name}:{number}: {category}"
    return found


DISCLOSURES = rows("disclosures_*.tsv")
NEAR_MISSES = rows("near_misses*.tsv")
# Written afterwards by someone who never saw the patterns, and never tuned on: how well
# the patterns generalise to messages nobody had in mind.
HOLDOUT_DISCLOSURES = rows("holdout_disclosures.tsv")
HOLDOUT_NEAR_MISSES = rows("holdout_near_misses.tsv")
# A floor under what the patterns reached without ever being tuned on it (82.5%), so a
# change that generalises worse fails; below the main bars on purpose, and said so.
HOLDOUT_RECALL_AT_LEAST = 0.80
HOLDOUT_FALSE_POSITIVES_AT_MOST = 0.15


def test_the_set_is_big_and_varied_enough():
    assert len(DISCLOSURES) >= 300 and len(NEAR_MISSES) >= 100
    assert len(DISCLOSURES) + len(NEAR_MISSES) >= 400
    languages = {language.split("-")[0] for _, _, language, _ in DISCLOSURES}
    assert {"en", "ur", "pa", "pl", "bn", "ro", "sk"} <= languages
    assert {category for category, *_ in DISCLOSURES} == set(CATEGORIES)
    texts = [text for *_, text in DISCLOSURES + NEAR_MISSES]
    assert len(texts) == len(set(texts)), "a message is in the set twice"


def test_recall_and_false_positives(capsys):
    detector = default_detector()
    flagged, routed, total = defaultdict(int), defaultdict(int), defaultdict(int)
    by_language = defaultdict(lambda: [0, 0])
    missed = []
    for category, kind, language, text in DISCLOSURES:
        found = detector.find(text)
        total[category] += 1
        by_language[language.split("-")[0]][1] += 1
        if found:
            flagged[category] += 1
            by_language[language.split("-")[0]][0] += 1
        else:
            missed.append(f"  {category}/{kind} [{language}] {text}")
        routed[category] += category in found
    false_positives = [f"  {kind} [{language}] {text} -> {detector.find(text)}"
                       for _, kind, language, text in NEAR_MISSES if detector.find(text)]

    overall = sum(flagged.values()) / len(DISCLOSURES)
    fp_rate = len(false_positives) / len(NEAR_MISSES)
    with capsys.disabled():
        print(f"\nSafeguarding detection on {len(DISCLOSURES)} disclosures and {len(NEAR_MISSES)} near-misses")
        for category in CATEGORIES:
            print(f"  {category:24} recall {flagged[category] / total[category]:6.1%} "
                  f"({flagged[category]}/{total[category]}), routed to this category {routed[category] / total[category]:6.1%}")
        for language, (hit, count) in sorted(by_language.items()):
            print(f"  language {language:6} recall {hit / count:6.1%} ({hit}/{count})")
        print(f"  overall recall {overall:.1%}; false positives {fp_rate:.1%} ({len(false_positives)}/{len(NEAR_MISSES)})")
        if missed:
            print("Missed:\n" + "\n".join(missed))
        if false_positives:
            print("Flagged but benign:\n" + "\n".join(false_positives))

    assert overall >= RECALL_OVERALL
    for category in CATEGORIES:
        assert flagged[category] / total[category] >= RECALL_PER_CATEGORY, category
    assert fp_rate <= FALSE_POSITIVES_AT_MOST


def test_messages_nobody_tuned_on(capsys):
    detector = default_detector()
    missed = [f"  {category}/{kind} [{language}] {text}" for category, kind, language, text in HOLDOUT_DISCLOSURES
              if not detector.find(text)]
    flagged = [f"  {kind} [{language}] {text}" for _, kind, language, text in HOLDOUT_NEAR_MISSES if detector.find(text)]
    recall = 1 - len(missed) / len(HOLDOUT_DISCLOSURES)
    fp_rate = len(flagged) / len(HOLDOUT_NEAR_MISSES)
    with capsys.disabled():
        print(f"\nHold-out set: recall {recall:.1%} of {len(HOLDOUT_DISCLOSURES)} disclosures, false positives "
              f"{fp_rate:.1%} of {len(HOLDOUT_NEAR_MISSES)} near-misses")
        if missed:
            print("Missed:\n" + "\n".join(missed))
        if flagged:
            print("Flagged but benign:\n" + "\n".join(flagged))
    assert recall >= HOLDOUT_RECALL_AT_LEAST
    assert fp_rate <= HOLDOUT_FALSE_POSITIVES_AT_MOST


@pytest.mark.parametrize("length", [2000])
def test_a_long_message_is_checked_quickly(length, capsys):
    detector = default_detector()
    detector.find("warm up")
    texts = []
    for _, _, _, text in (DISCLOSURES + NEAR_MISSES)[:60]:
        texts.append((text + " ") * (length // (len(text) + 1) + 1))
    texts = [text[:length] for text in texts]
    started = time.perf_counter()
    for text in texts:
        detector.find(text)
    per_message = (time.perf_counter() - started) * 1000 / len(texts)
    with capsys.disabled():
        print(f"\nSafeguarding detection: {per_message:.1f} ms per {length}-character message "
              f"(budget {MILLISECONDS_PER_MESSAGE} ms)")
    assert per_message < MILLISECONDS_PER_MESSAGE

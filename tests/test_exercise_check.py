"""The exercise checker every chapter carries (the shared cell book/_shared/checker.py): a wrong answer gets a readable
message saying what is wrong with it and what was given, never the expected value (which may be the
answer to predict) and never a traceback; a right answer gets a confirmation."""

import pytest
import torch

from conftest import ROOT

NAMESPACE = {"torch": torch}
exec((ROOT / "book" / "_shared" / "checker.py").read_text(), NAMESPACE)
check_answer = NAMESPACE["check_answer"]


def outcome(capsys, *args, **kwargs):
    verdict = check_answer(*args, **kwargs)
    return verdict, capsys.readouterr().out.strip()


def test_right_tensor_passes(capsys):
    verdict, out = outcome(capsys, "J", torch.ones(3, 4), torch.ones(3, 4))
    assert verdict is True and out == "✓ J: correct"


def test_missing_answer_says_what_kind_of_value_is_expected(capsys):
    verdict, out = outcome(capsys, "J", None, torch.ones(3, 4))
    assert verdict is False
    assert out == "✗ J: not a tensor: you gave NoneType None"


def test_wrong_shape_says_only_that_the_shape_is_wrong(capsys):
    verdict, out = outcome(capsys, "J", torch.ones(4, 3), torch.ones(3, 4), hint="rows are outputs")
    assert verdict is False
    assert out == "✗ J: wrong shape: you gave shape (4, 3)\n  Hint: rows are outputs"
    for got in (torch.ones(4), torch.ones(3, 5), torch.ones(3, 4, 1)):
        verdict, out = outcome(capsys, "J", got, torch.ones(3, 4))
        assert verdict is False and out == f"✗ J: wrong shape: you gave shape {tuple(got.shape)}"


def test_wrong_dtype_names_both_dtypes(capsys):
    verdict, out = outcome(capsys, "H", torch.ones(2, dtype=torch.float64), torch.ones(2))
    assert verdict is False and out == "✗ H: wrong dtype: you gave torch.float64 (expected torch.float32)"


def test_wrong_values_say_only_that_they_are_wrong(capsys):
    """No index, no size of the error, no entry of the answer: got ± error would give it away."""
    expected = torch.full((2, 3), 0.25)
    got = expected.clone()
    got[1, 2] = 0.75
    verdict, out = outcome(capsys, "J", got, expected)
    assert verdict is False
    assert out == ("✗ J: shape and dtype right, values wrong beyond the tolerance\n"
                   "  (atol=1e-05, rtol=0.0001)")
    for leak in ("0.25", "0.5", "(1, 2)", "index"):
        assert leak not in out


def test_values_within_tolerance_pass(capsys):
    verdict, _ = outcome(capsys, "J", torch.ones(3) + 1e-7, torch.ones(3))
    assert verdict is True


@pytest.mark.parametrize(
    "got, expected, message",
    [
        (2.5, 2.0, "✗ n: not right within the tolerance (atol=1e-05, rtol=0.0001): you\n  gave 2.5"),
        ("2", 2.0, "✗ n: expected a number, got str '2'"),
        (3, 4, "✗ n: not right: you gave 3"),
        (7, 4, "✗ n: not right: you gave 7"),
        ("jacfwd", "jacrev", "✗ n: not the right answer: you gave str 'jacfwd'"),
        (3, "jacrev", "✗ n: expected a str, got int 3"),
        (False, True, "✗ n: not the right answer: you gave bool False"),
        ((3, 4), (4, 3), "✗ n: not right: you gave (3, 4)"),
        ((4, 4), (4, 3), "✗ n: not right: you gave (4, 4)"),
        (torch.Size([3, 4]), (4, 3), "✗ n: not right: you gave (3, 4)"),
        ((5, 3, 4), (4, 3), "✗ n: not right: you gave (5, 3, 4)"),
        (None, [4, 3], "✗ n: expected whole numbers, got NoneType None"),
    ],
)
def test_wrong_plain_values_never_show_the_answer(capsys, got, expected, message):
    verdict, out = outcome(capsys, "n", got, expected)
    assert verdict is False and out == message


@pytest.mark.parametrize(
    "got, expected",
    [
        (torch.zeros(4, 2), torch.zeros(73, 89)),
        (torch.zeros(4), torch.zeros(73, 89)),
        (None, torch.zeros(73, 89)),
        ((4, 2), (73, 89)),
        ((4, 2, 1), (73, 89)),
        ([1, 1], [73, 89]),
        (2, 7389),
        (9999, 7389),
        (2.5, 7389.125),
        ("a", "jacfwd(jacrev)"),
        ({"w": 1}, {"w": 7389}),
        ((torch.ones(2), 4), (torch.full((2,), 7.389), 7389)),
    ],
)
def test_a_failed_check_never_prints_the_expected_value(capsys, got, expected):
    """Whatever the student gives, the expected numbers (73, 89, 7389, 7389.125, 7.389) and strings
    never appear in the message."""
    verdict, out = outcome(capsys, "answer", got, expected)
    assert verdict is False
    for secret in ("73", "89", "7.389", "jacfwd(jacrev)"):
        assert secret not in out, f"{secret!r} is given away in {out!r}"


def test_right_shape_passes(capsys):
    verdict, out = outcome(capsys, "shape", torch.ones(4, 3).shape, (4, 3))
    assert verdict is True and out == "✓ shape: correct"


def test_containers_are_checked_item_by_item(capsys):
    verdict, out = outcome(capsys, "grads", {"w": torch.ones(2), "b": torch.zeros(2)},
                           {"w": torch.ones(2), "b": torch.ones(2)})
    assert verdict is False
    assert "✓ grads['w']: correct" in out
    assert "✗ grads['b']: shape and dtype right, values wrong beyond the" in out
    verdict, out = outcome(capsys, "pair", (torch.ones(2),), (torch.ones(2), torch.ones(2)))
    assert verdict is False and out.startswith("✗ pair: expected a tuple of 2 items")
    verdict, out = outcome(capsys, "grads", {"w": torch.ones(2)}, {"w": torch.ones(2), "b": torch.ones(2)})
    assert verdict is False and out == "✗ grads: not the right dict keys: you gave keys ['w']"
    verdict, out = outcome(capsys, "row and passes", (torch.ones(2), 3), (torch.ones(2), 1))
    assert verdict is False
    assert out == "✓ row and passes[0]: correct\n✗ row and passes[1]: not right: you gave 3"


def test_checker_lines_fit_a_phone(capsys):
    """The shared cell is a code cell of every chapter: no line longer than 88 characters (the title
    line is rewritten to a short `# @title` in the notebooks)."""
    lines = (ROOT / "book" / "_shared" / "checker.py").read_text().split("\n")[1:]
    assert [line for line in lines if len(line) > 88] == []


def test_checker_never_raises_on_odd_input(capsys):
    for got in (None, object(), [1, 2], {"a": 1}, float("nan"), torch.ones(2, 2, dtype=torch.int64)):
        assert check_answer("x", got, torch.ones(2, 2)) is False
    assert capsys.readouterr().out.count("✗") == 6


def test_tolerances_are_applied_as_named(capsys):
    """atol is absolute and rtol relative, as their names and the ✗ line say (torch.allclose takes rtol
    before atol: a positional call swaps them)."""
    tiny = torch.full((3,), 8.9e-5)
    assert check_answer("z", torch.zeros(3), tiny, atol=1e-5, rtol=1e-4) is False
    large = torch.full((3,), 1000.0)
    assert check_answer("r", large + 0.05, large, atol=1e-5, rtol=1e-4) is True
    assert check_answer("r", large + 0.2, large, atol=1e-5, rtol=1e-4) is False
    assert check_answer("f", 1000.05, 1000.0, atol=1e-5, rtol=1e-4) is True
    assert check_answer("f", 0.0, 8.9e-5, atol=1e-5, rtol=1e-4) is False


def test_a_prediction_is_right_or_wrong_without_a_direction(capsys):
    """Too many and too few read the same, so a count cannot be found by bisection; a wrong tuple of
    counts does not say which entry is wrong nor that its length differs."""
    below = outcome(capsys, "n", 500, 503)[1].replace("500", "X")
    above = outcome(capsys, "n", 506, 503)[1].replace("506", "X")
    assert below == above
    first = outcome(capsys, "c", (9, 2, 3), (1, 2, 3))[1].replace("9, 2, 3", "X")
    last = outcome(capsys, "c", (1, 2, 9), (1, 2, 3))[1].replace("1, 2, 9", "X")
    longer = outcome(capsys, "c", (1, 2, 3, 4), (1, 2, 3))[1].replace("1, 2, 3, 4", "X")
    assert first == last == longer


def test_lines_wrap_for_a_phone(capsys):
    """A ✗ line and its hint wrap at 70 characters, continued with an indent."""
    name = "row 3 of J at two points; (passes, vectors, ready-made calls)[0]"
    hint = "a backward pass returns v^T J: which v leaves only row 3 of the Jacobian of predict?"
    verdict, out = outcome(capsys, name, torch.zeros(3), torch.ones(3), hint=hint)
    lines = out.split("\n")
    assert verdict is False and len(lines) >= 4
    assert all(len(line) <= 70 for line in lines)
    assert lines[0].startswith("✗ ") and all(line.startswith("  ") for line in lines[1:])

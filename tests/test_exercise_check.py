"""The exercise checker every chapter carries (the shared cell book/_shared/checker.py): a wrong answer gets a readable
hint saying what was expected and what came back, never a traceback; a right answer gets a confirmation."""

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


def test_missing_answer_says_what_is_expected(capsys):
    verdict, out = outcome(capsys, "J", None, torch.ones(3, 4))
    assert verdict is False
    assert out == "✗ J: expected a tensor of shape (3, 4) and dtype torch.float32, got NoneType None"


def test_wrong_shape_names_both_shapes(capsys):
    verdict, out = outcome(capsys, "J", torch.ones(4, 3), torch.ones(3, 4), hint="rows are outputs")
    assert verdict is False
    assert out == "✗ J: expected shape (3, 4), got shape (4, 3)\n  Hint: rows are outputs"


def test_wrong_dtype_names_both_dtypes(capsys):
    verdict, out = outcome(capsys, "H", torch.ones(2, dtype=torch.float64), torch.ones(2))
    assert verdict is False and out == "✗ H: expected dtype torch.float32, got dtype torch.float64"


def test_wrong_values_say_where_and_by_how_much(capsys):
    expected = torch.zeros(2, 3)
    got = expected.clone()
    got[1, 2] = 0.5
    verdict, out = outcome(capsys, "J", got, expected)
    assert verdict is False
    assert "largest error 0.5 at index (1, 2) (got 0.5, expected 0; tolerance atol=1e-05, rtol=0.0001)" in out


def test_values_within_tolerance_pass(capsys):
    verdict, _ = outcome(capsys, "J", torch.ones(3) + 1e-7, torch.ones(3))
    assert verdict is True


@pytest.mark.parametrize(
    "got, expected, message",
    [
        (2.5, 2.0, "✗ n: expected 2, got 2.5 (tolerance atol=1e-05, rtol=0.0001)"),
        ("2", 2.0, "✗ n: expected a number close to 2, got str '2'"),
        (3, 4, "✗ n: expected 4, got 3"),
        ("jacfwd", "jacrev", "✗ n: expected 'jacrev', got str 'jacfwd'"),
        ((3, 4), (4, 3), "✗ n: expected (4, 3), got tuple (3, 4)"),
        (torch.Size([3, 4]), (4, 3), "✗ n: expected (4, 3), got Size (3, 4)"),
        (None, [4, 3], "✗ n: expected (4, 3), got NoneType None"),
    ],
)
def test_wrong_plain_values(capsys, got, expected, message):
    verdict, out = outcome(capsys, "n", got, expected)
    assert verdict is False and out == message


def test_right_shape_passes(capsys):
    verdict, out = outcome(capsys, "shape", torch.ones(4, 3).shape, (4, 3))
    assert verdict is True and out == "✓ shape: correct"


def test_containers_are_checked_item_by_item(capsys):
    verdict, out = outcome(capsys, "grads", {"w": torch.ones(2), "b": torch.zeros(2)}, {"w": torch.ones(2), "b": torch.ones(2)})
    assert verdict is False
    assert "✓ grads['w']: correct" in out and "✗ grads['b']: shape and dtype are right, but the values differ" in out
    verdict, out = outcome(capsys, "pair", (torch.ones(2),), (torch.ones(2), torch.ones(2)))
    assert verdict is False and out.startswith("✗ pair: expected a tuple of 2 items")
    verdict, out = outcome(capsys, "grads", {"w": torch.ones(2)}, {"w": torch.ones(2), "b": torch.ones(2)})
    assert verdict is False and "expected a dict with keys ['b', 'w'], got ['w']" in out


def test_checker_never_raises_on_odd_input(capsys):
    for got in (None, object(), [1, 2], {"a": 1}, float("nan"), torch.ones(2, 2, dtype=torch.int64)):
        assert check_answer("x", got, torch.ones(2, 2)) is False
    assert capsys.readouterr().out.count("✗") == 6

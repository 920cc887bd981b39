# @title Error demonstrations (shared cell; edit book/_shared/errors.py, then run make notebooks)
import contextlib


@contextlib.contextmanager
def expect_error(error_type, match):
    """Run a block that must raise error_type with `match` in its message, and print
    that error.

    The notebook goes on after it (Run all never stops here); if the block stops
    raising, or raises something else, the cell fails, so a lesson about an error cannot
    silently go out of date."""
    try:
        yield
    except error_type as error:
        message = str(error)
        if match not in message:
            raise AssertionError(
                f"expected a {error_type.__name__} saying {match!r}, got: {message}"
            ) from error
        print(f"{type(error).__name__}: {message}")
    else:
        raise AssertionError(
            f"expected a {error_type.__name__} saying {match!r}, "
            "but the block ran without error"
        )

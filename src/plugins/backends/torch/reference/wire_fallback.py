"""Describes an import failure without numpy or torch (which may be what is missing)."""
import traceback


def describe_import_error(e):
    frames = traceback.extract_tb(e.__traceback__)
    last = frames[-1] if frames else None
    return {
        "type": type(e).__name__,
        "message": str(e),
        "missing": getattr(e, "name", None),
        "last_frame": f'File "{last.filename}", line {last.lineno}, in {last.name}: {last.line}' if last else "",
        "traceback": "".join(traceback.format_exception(type(e), e, e.__traceback__)),
    }

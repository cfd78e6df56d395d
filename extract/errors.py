"""Why a file could not be read at all: a small tree of exceptions.

    ExtractError                 the file cannot be read; message = the one-line reason
     ├── EmptyFile               zero bytes, or no text at all
     ├── EncryptedFile           a user password is required
     ├── CorruptFile             truncated or damaged bytes
     ├── UnsupportedFormat       a format jixiao does not read (yet), or not a report at all
     └── TooLarge                over a size or page limit

The run catches these at the per-file boundary and turns them into a `files` row with
status `failed` and the message as `error`. Nothing else in extract catches broadly.
"""


class ExtractError(Exception):
    """The file cannot be read; str(exc) is the one-line reason shown to the user."""


class EmptyFile(ExtractError):
    pass


class EncryptedFile(ExtractError):
    pass


class CorruptFile(ExtractError):
    pass


class UnsupportedFormat(ExtractError):
    pass


class TooLarge(ExtractError):
    pass

"""The interface's languages: config.yaml's `language` and `operator add --language` name one of these."""

LANGUAGES = ("en", "hi")
# Each language by its own name, as a person choosing it reads it.
LANGUAGE_NAMES = {"en": "English", "hi": "हिन्दी"}

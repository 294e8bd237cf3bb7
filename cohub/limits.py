"""How large, deep and long a contributor's file may be: the one place these numbers live.

A case study is text from a stranger. Each limit here makes hostile input
cheap to turn away, long before it can slow or crash a build, and each is
far above what a real case study needs (the two in this hub have front
matter of about 2 KB and stories of about 5 KB). CONTRIBUTING.md states
them for contributors; a test keeps it in step with this file.
"""

from __future__ import annotations

KIB = 1024

# The YAML between the '---' lines. The schema's own length limits keep each
# field short; this bounds the whole, so that parsing it stays quick.
FRONT_MATTER_MAX_BYTES = 16 * KIB

# The Markdown after the front matter: about 20,000 words of plain English.
BODY_MAX_BYTES = 128 * KIB

# A file larger than this is turned away before it is read.
FILE_MAX_BYTES = FRONT_MATTER_MAX_BYTES + BODY_MAX_BYTES

# Lists and groups of fields inside lists and groups: the schema needs 3 levels,
# the taxonomy files 4.
YAML_MAX_DEPTH = 8

# A number in front matter is a series position or similar: a few digits.
NUMBER_MAX_CHARACTERS = 20

# A story shorter than this says too little to learn from; one longer than
# the other is better split into a series. Both are warnings.
STORY_MIN_WORDS = 150
STORY_MAX_WORDS = 5000

# A hostile file could hold thousands of problems; this many are enough to start on.
MAX_PROBLEMS_PER_FILE = 50

"""Run the cleansing benchmark without the CLI wiring: ``.venv/bin/python bench/bench_cleanse.py --help``.

Same as ``de06 bench cleanse`` (include/de06/bench/cleanse.py); writes bench/results/cleanse.json.
"""

from de06.bench.cleanse import command

if __name__ == "__main__":
    command()

"""The kg command line (Typer); all logic lives in the kg package."""

import typer


def register(app: typer.Typer) -> None:
    @app.command("rules")
    def rules() -> None:
        """Placeholder."""

import click


@click.group("joint-meetings")
def joint_meetings() -> None:
    """Joint meetings."""

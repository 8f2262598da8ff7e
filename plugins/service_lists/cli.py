import click


@click.group("lists")
def lists():
    """x"""

"""Cases per day over the last weeks, as a plotext bar chart.

The x axis carries only the first and last day: plotext places tick labels with state
carried between figures, which made identical data render differently from run to run.
"""

from __future__ import annotations

from textual_plotext import PlotextPlot


class DailyPlot(PlotextPlot):
    values: tuple[int, ...] | list[int] = ()
    """The counts shown, oldest day first."""

    DEFAULT_CSS = """
    DailyPlot { height: 12; min-height: 8; border: round $primary-darken-1; }
    """

    def show(self, days: list[tuple[str, int]], title: str, span: str) -> None:
        """``days``: (ISO day, count) oldest first; ``span`` names the first and last day."""
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        values = [n for _, n in days]
        self.values = values
        plt.bar(list(range(len(values))), values, width=0.6, color="cyan")
        top = max(values, default=0)
        plt.yticks(sorted({0, top // 2, top}))
        plt.xticks([])
        plt.xlabel(span if days else "")
        plt.title(title)
        self.refresh()

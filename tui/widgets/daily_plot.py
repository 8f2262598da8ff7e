"""Cases per day over the last weeks, as a plotext bar chart.

The x axis carries only the first and last day: plotext places tick labels with state
carried between figures, which made identical data render differently from run to run.
"""

from __future__ import annotations

from textual_plotext import PlotextPlot


class DailyPlot(PlotextPlot):
    DEFAULT_CSS = """
    DailyPlot { height: 12; min-height: 8; border: round $primary-darken-1; }
    """

    def show(self, days: list[tuple[str, int]], title: str) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        labels = [day[5:] for day, _ in days]
        values = [n for _, n in days]
        plt.bar(list(range(len(values))), values, width=0.6, color="cyan")
        top = max(values, default=0)
        plt.yticks(sorted({0, top // 2, top}))
        plt.xticks([])
        plt.xlabel(f"{labels[0]} … {labels[-1]}" if labels else "")
        plt.title(title)
        self.refresh()

"""What every figure of :mod:`skhyper.plotting` is drawn with: matplotlib
(an optional extra, imported when a figure is drawn), the figure and its
axes, and legends outside the axes."""

import numpy as np

__all__ = ["figure_and_axes", "legend_below", "legend_right", "pyplot"]


def pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(
            "skhyper's plots need matplotlib: pip install 'skhyper[plots]'"
        ) from None
    return plt


def figure_and_axes(ax, ncols=1, width=6.0):
    plt = pyplot()
    if ax is not None:
        axes = list(np.ravel(ax))
        return axes[0].figure, axes
    figure, axes = plt.subplots(1, ncols, figsize=(width * ncols, 4), squeeze=False)
    return figure, list(axes[0])


def legend_right(axis, handles=None, labels=None):
    """A legend to the right of ``axis``, outside it.

    For the last of a row of panels: ``tight_layout`` makes room for it at
    the figure's right edge, and no panel's data is under it.

    Parameters
    ----------
    axis : matplotlib Axes
        The axes the legend hangs from.
    handles, labels : list, default=None
        What the legend lists (default: ``axis``'s own labelled artists).

    Returns
    -------
    legend : matplotlib.legend.Legend
        The legend.
    """
    if handles is None:
        handles, labels = axis.get_legend_handles_labels()
    return axis.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0,
                       fontsize="small")  # fmt: skip


def legend_below(axis):
    """A legend under ``axis``'s tick labels and x label, in as many columns as fit its width.

    Every spot inside the axes covers some data on these figures (matplotlib's
    ``loc="best"`` picks the least bad, still over a curve).  The offset is
    measured in points from the x axis' decorations, so the legend stays
    clear of them whatever height ``tight_layout`` leaves the axes.

    Parameters
    ----------
    axis : matplotlib Axes
        The axes, its x label set.

    Returns
    -------
    legend : matplotlib.legend.Legend
        The legend.
    """
    from matplotlib.transforms import offset_copy

    figure = axis.figure
    decorations = axis.xaxis.get_tightbbox()
    depth = 0.0 if decorations is None else max(axis.get_window_extent().y0 - decorations.y0, 0.0)
    under = offset_copy(axis.transAxes, fig=figure, y=-(depth * 72 / figure.dpi + 4), units="points")
    handles, labels = axis.get_legend_handles_labels()
    for ncols in range(len(handles), 0, -1):  # one row where it fits: the shortest legend
        legend = axis.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=under,
                             borderaxespad=0.0, ncols=ncols, fontsize="small")  # fmt: skip
        if ncols == 1 or legend.get_window_extent().width <= axis.get_window_extent().width:
            return legend

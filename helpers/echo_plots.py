"""HW2 1e: the training traces of the rate–distortion autoencoders."""

import matplotlib.pyplot as plt


def training_traces(echo: dict[str, dict[str, list[float]]],
                    others: dict[str, dict[str, list[float]]],
                    floor: float, title: str) -> plt.Figure:
    """Rate, distortion and mean σ(a) against training steps: the Echo runs
    in all three panels, the `others` (β-VAE) in the first two; the Echo
    rate floor −d·log s_max dashed. Traces: {"step", "rate", "distortion",
    "scale"} (helpers.echo_ae.TRACE_KEYS)."""
    fig, (ax_r, ax_d, ax_s) = plt.subplots(1, 3, figsize=(10.5, 3.3))
    for label, trace in {**echo, **others}.items():
        line, = ax_r.plot(trace["step"], trace["rate"], label=label)
        ax_d.plot(trace["step"], trace["distortion"], color=line.get_color())
        if label in echo:
            ax_s.plot(trace["step"], trace["scale"], color=line.get_color())
    ax_r.axhline(floor, color="k", ls="--", lw=1,
                 label=f"Echo floor {floor:.2f}")
    ax_r.set(xlabel="step", ylabel="nats per image",
             title="rate R (Echo: I(x; z); β-VAE: KL)")
    ax_d.set(xlabel="step", title="distortion D")
    ax_s.set(xlabel="step", ylim=(0, 1.02),
             title="mean σ(a) = s / s_max (Echo)")
    ax_r.legend(fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    return fig

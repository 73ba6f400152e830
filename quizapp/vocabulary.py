"""The words the answer scorer knows: synonym groups, stop words and negation cues, as plain data.

Why a hand-written vocabulary instead of a language model: the scorer runs on every review, must
start instantly and must explain itself ("you said *ridge*, which counts as *L2*"). About a
hundred groups of interchangeable phrases cover how people say the ideas of ML interview answers:
``L1`` / ``lasso`` / ``ℓ1``, ``learning rate`` / ``lr`` / ``step size`` / ``η``, ``goes to zero``
/ ``becomes exactly 0`` and so on. Besides the groups this module holds the word lists the scorer
reads: stop words, negation cues, generic (low-weight) words and the contrasts key points draw
(L1 against L2, overfitting against underfitting).

How to extend it. A synonym group is a term and the phrases that mean the same thing, in the same
shape deck authors write in their front matter or card comment::

    synonyms:
      lasso: [L1, ℓ1, l1 penalty]

:func:`merge_synonyms` joins any number of such mappings; groups that share a phrase become one
group, so a card saying ``lasso: [l1 penalty]`` extends the built-in L1 group rather than fighting
it. Phrases are compared after the scorer's own normalisation (lower case, light stemming, Unicode
folding), so list each idea once, not each inflection: ``shrink`` already covers ``shrinks``,
``shrinking`` and ``shrunk`` is the only irregular form worth adding.

Keep groups to true equivalents *for these cards*: merging two ideas that a key point separates
(``L1`` with ``L2``, ``bias`` with ``variance``) would let a wrong answer score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

#: Built-in synonym groups: canonical term -> phrases that mean the same thing.
DEFAULT_SYNONYMS: dict[str, tuple[str, ...]] = {
    # Regularizers and their many names.
    "l1": ("lasso", "ℓ1", "l1 norm", "l1 penalty", "l1 regularization", "l1-regularized"),
    "l2": ("ridge", "ℓ2", "l2 norm", "l2 penalty", "weight decay", "tikhonov", "l2 regularization"),
    "elastic net": ("elasticnet", "elastic-net", "enet"),
    "penalty": ("penalize", "punish", "regularizer", "penalty term", "regularization term"),
    "lambda": ("λ", "regularization strength", "penalty strength"),
    "absolute value": ("abs", "absolute", "absolute values", "modulus"),
    "squared": ("square", "squares", "²", "^2", "quadratic"),
    "sum": ("total", "summed", "add up"),
    "feature selection": (
        "variable selection",
        "selects features",
        "selecting features",
        "picks features",
        "removes features",
        "drops features",
        "eliminates features",
        "discards features",
        "kills features",
    ),
    "sparse": ("sparsity", "sparseness", "many zeros", "mostly zeros"),
    "diamond": ("rhombus", "cross-polytope", "l1 ball", "square rotated 45 degrees"),
    "corner": ("vertex", "vertices", "kink", "pointy", "spike", "tip"),
    "axis": ("axes", "coordinate axes", "coordinate axis"),
    "contour": ("level set", "level sets", "level curve", "level curves", "ellipse", "isoline"),
    "touch": ("hit", "intersect", "meet", "tangent", "first contact"),
    "subgradient": ("sub-gradient", "subdifferential"),
    "constant": (
        "fixed",
        "same magnitude",
        "same size",
        "does not depend on",
        "independent of",
        "regardless of",
        "no matter how small",
        "however small",
    ),
    "fade": (
        "fades",
        "dies out",
        "die out",
        "peters out",
        "proportional to the weight",
        "weaker and weaker",
    ),
    "stay": ("stays", "held", "hold", "stick", "sticks", "remain", "remains", "stuck at zero"),
    "correlated": (
        "correlation",
        "collinear",
        "collinearity",
        "multicollinearity",
        "multicollinear",
        "redundant",
    ),
    "arbitrarily": ("arbitrary", "randomly", "at random", "random"),
    "grouping effect": (
        "grouped selection",
        "selects groups",
        "kept together",
        "keep together",
        "enter or leave together",
    ),
    "p > n": (
        "p >> n",
        "p ≫ n",
        "n < p",
        "more features than samples",
        "more features than observations",
        "more predictors than samples",
        "more variables than samples",
        "more features than data points",
        "high-dimensional",
        "high dimensional",
    ),
    "mix": ("mixed", "mixing", "combine", "combination", "blend"),
    "ratio": ("l1_ratio", "l1 ratio", "proportion", "alpha", "α"),
    "spread": ("distribute", "split", "evenly", "shared among"),
    "closed form": ("closed-form", "analytic solution", "analytical solution", "formula"),
    "iterative": ("iteratively", "coordinate descent", "lars", "solver"),
    # Weights, features, data.
    "weight": (
        "weights",
        "coefficient",
        "coefficients",
        "coef",
        "parameter",
        "parameters",
        "w",
        "θ",
    ),
    "feature": ("predictor", "variable", "covariate", "input feature", "representation"),
    "sample": ("samples", "observation", "data point", "example", "training example"),
    "training set": (
        "training sets",
        "training data",
        "train set",
        "dataset",
        "data set",
        "training sample",
        "resample",
    ),
    # Networks and their parts.
    "neural network": ("nn", "neural net", "network", "net", "deep net", "model"),
    "unit": ("neuron", "node", "hidden unit", "cell"),
    "relu": ("rectified linear unit", "rectified linear units", "rectifier"),
    "sigmoid": ("logistic", "logistic function", "logistic sigmoid"),
    "tanh": ("hyperbolic tangent",),
    "backpropagation": (
        "backprop",
        "back-propagation",
        "back propagation",
        "backward pass",
        "chain rule",
    ),
    "gradient": ("derivative", "grad", "∇", "slope", "partial derivative", "f′"),
    "0.25": ("1/4", "a quarter", "one quarter", "one fourth"),
    "early layers": (
        "earlier layers",
        "first layers",
        "first layer",
        "initial layers",
        "lower layers",
        "bottom layers",
        "front layers",
        "layers near the input",
        "layers close to the input",
        "first few layers",
    ),
    "saturate": ("saturation", "flat region", "flat regions", "flat part", "squash"),
    "dead relu": ("dead relus", "dying relu", "dead neuron", "dead unit", "dead units"),
    "bias": ("biases", "bias term"),
    "intercept": ("offset", "constant term", "b"),
    "origin": ("zero point",),
    "decision boundary": (
        "hyperplane",
        "separating hyperplane",
        "decision surface",
        "separating boundary",
        "boundary",
    ),
    "shift": ("move", "translate", "slide"),
    "fire": ("turn on", "turns on", "switch on", "switches on", "fires", "firing"),
    # BatchNorm and LayerNorm, He and Xavier are the two sides of a card's question, never one
    # word: "LayerNorm uses batch statistics" must not read as a claim about BatchNorm.
    "batchnorm": ("batch norm", "batch normalization", "batch normalisation"),
    "layernorm": ("layer norm", "layer normalization", "layer normalisation"),
    "initialization": ("init", "initialisation"),
    "residual connections": (
        "residual connection",
        "skip connections",
        "skip connection",
        "shortcut connections",
        "resnet",
        "resnets",
        "residual",
    ),
    "deep": ("deeper", "deepest", "depth", "more layers", "deep network"),
    "wide": ("wider", "widest", "width", "more neurons per layer", "wide network"),
    "shallow": ("single hidden layer", "one hidden layer", "single layer", "one layer"),
    "compose": ("composition", "compositional", "build on", "builds on", "reuse", "stack"),
    "hierarchy": ("hierarchical", "hierarchically", "levels of abstraction", "abstract"),
    "region": ("linear region", "linear regions", "piece", "pieces", "linear pieces"),
    "bottleneck": ("narrow", "too narrow", "squeeze"),
    # Dropout.
    "drop": (
        "dropped",
        "switch off",
        "switched off",
        "turn off",
        "turned off",
        "zero out",
        "zeroed out",
        "deactivate",
        "disable",
        "mask",
        "mask out",
        "knock out",
        "remove",
    ),
    "sub-network": (
        "subnetwork",
        "sub network",
        "sub-net",
        "subnet",
        "thinned network",
        "sub-model",
        "submodel",
        "thinned",
    ),
    "share": (
        "shared",
        "tie",
        "tied",
        "same weights",
        "same parameters",
        "common weights",
        "one set of weights",
        "single set of weights",
    ),
    "ensemble": ("committee", "many models", "many networks", "bagging"),
    "test time": (
        "test-time",
        "at test",
        "inference",
        "prediction time",
        "evaluation time",
        "deployment",
        "at inference",
    ),
    "keep probability": ("keep prob", "retain probability", "retention probability", "keep rate"),
    "average": ("averaging", "geometric mean", "arithmetic mean"),
    "approximate": ("approximation", "approx", "≈", "roughly", "close to"),
    "scale": (
        "rescale",
        "multiply",
        "multiplied",
        "multiplying",
        "product",
        "products",
        "chain of products",
    ),
    "inverted dropout": ("inverted", "1/p", "divide by p"),
    # Optimisation and the learning rate.
    "learning rate": ("lr", "step size", "η", "eta", "learning-rate"),
    "sgd": ("stochastic gradient descent",),
    "gradient descent": ("gradient-descent", "gd"),
    "step": ("steps",),
    "optimize": ("optimization", "train", "training", "trainable", "fit"),
    "overshoot": (
        "overshot",
        "jump over",
        "jumps over",
        "skip over",
        "step over",
        "past the minimum",
    ),
    "oscillate": ("oscillation", "bounce", "bounce around", "zigzag", "zig-zag", "jump around"),
    "diverge": ("divergence", "blow up", "blows up", "explode", "exploding", "nan", "unstable"),
    "slow": ("slowly", "sluggish", "takes forever", "crawl", "many epochs"),
    "stall": ("stuck", "get stuck", "stagnate", "halt", "plateau", "plateaus"),
    "minimum": ("minima", "minimize", "lowest", "optimum", "optima", "sweet spot"),
    "bad": ("poor", "suboptimal", "worse"),
    "schedule": (
        "scheduler",
        "scheduling",
        "annealing",
        "anneal",
        "cosine",
        "one-cycle",
        "decay schedule",
        "learning rate decay",
        "lr decay",
        "step decay",
    ),
    "warmup": ("warm-up", "warm up"),
    "batch size": ("batch sizes", "minibatch size", "mini-batch size", "linear scaling rule"),
    "adam": ("adaptive", "rmsprop", "adagrad"),
    # Generalisation.
    "overfit": ("overfitting", "over-fitting", "over fit", "memorize", "chase the noise"),
    "underfit": ("underfitting", "under-fitting", "under fit"),
    "noise": (
        "irreducible error",
        "irreducible noise",
        "bayes error",
        "noise variance",
        "irreducible",
        "σ²",
    ),
    "error": ("loss", "risk", "cost function"),
    "decompose": (
        "decomposition",
        "split into",
        "splits into",
        "break down",
        "breaks down",
        "equals",
        "consists of",
        "made up of",
    ),
    "complexity": (
        "complex",
        "capacity",
        "flexible",
        "flexibility",
        "expressive",
        "expressivity",
        "expressiveness",
        "expressive power",
        "representational power",
        "more parameters",
    ),
    "simple": ("simpler", "simplest", "less complex", "too simple", "oversimplified"),
    "smooth": ("smoother", "smoothness"),
    "change": (
        "vary",
        "varies",
        "fluctuate",
        "sensitive",
        "sensitivity",
        "different",
        "depends on",
    ),
    "validation": (
        "validation set",
        "held-out",
        "held out",
        "holdout",
        "dev set",
        "cross-validation",
        "cross validation",
        "cv",
    ),
    "tune": ("choose", "chose", "chosen", "pick", "select", "selected", "search"),
    "hyperparameter": ("hyper-parameter", "hyper parameter", "knob"),
    # Directions and sizes.
    "zero": (
        "0",
        "zeros",
        "zeroes",
        "exactly zero",
        "exactly 0",
        "exact zero",
        "exact zeros",
        "goes to zero",
        "go to zero",
        "become zero",
        "becomes exactly zero",
        "becomes exactly 0",
        "becomes 0",
        "all the way to zero",
        "reach zero",
        "hit zero",
        "to 0",
        "exactly at zero",
    ),
    "shrink": (
        "shrinkage",
        "shrunk",
        "vanish",
        "vanishing",
        "diminish",
        "decay",
        "get smaller",
        "gets smaller",
        "become smaller",
        "reduce",
        "decrease",
        "lower",
        "cut",
    ),
    "tiny": (
        "little",
        "negligible",
        "low",
        "too low",
        "too small",
        "very small",
    ),
    "increase": ("raise", "grow", "rise", "go up", "goes up", "boost"),
    "large": ("big", "huge", "high", "too high", "too large", "too big", "enormous"),
    "size": ("magnitude", "how big", "how large"),
    "push": ("drive", "force"),
    "exponential": ("exponentially", "2^n", "2 n", "geometric", "geometrically"),
    "unchanged": (
        "intact",
        "undiminished",
        "without shrinking",
        "as is",
        "preserved",
        "unattenuated",
    ),
    "hard": ("difficult", "harder", "tricky", "challenging"),
    "learn": ("update", "updated", "adjust"),
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Function words: they carry no idea of their own, so they are skipped when matching key points,
#: but their share of an answer says whether it is written as sentences (see the scorer's
#: stuffing check).
STOP_WORDS: frozenset[str] = _words(
    """
    a about above after again against all also although am an and any are as at be because been
    before being below between both but by can could did do does doing down during each either
    else etc even ever every few for from further had has have having he her here hers herself
    him himself his how however i if in into is it its it's itself just let lets me might mine
    more most much must my myself of off often on once only onto or other others otherwise our
    ours ourselves out over own per quite rather really same shall she should since so some
    such than that that's thats the their theirs them themselves then there there's these they
    this those though through thus to too toward towards under until up upon us very via was we
    were what whatever when where whereas whether which while who whom whose why will with
    within would yet you your yours yourself yourselves i.e e.g ie eg vs unlike basically
    actually exactly exact precisely simply generally usually typically essentially instead
    already still anyway like ones something anything everything thing things way ways lot
    lots kind sort use used uses using make makes made making get gets got getting go goes
    going gone give gives given take takes taken put puts say says said mean means meant
    thereby whereby hence therefore i'm you're we're they're isn't doesn't don't didn't can't
    cannot won't wouldn't shouldn't couldn't aren't wasn't weren't hasn't haven't hadn't isnt
    doesnt dont didnt cant wont wouldnt shouldnt couldnt arent wasnt werent hasnt havent hadnt
    not no nor never neither none nothing without non barely hardly scarcely whenever wherever
    back along across one
    """
)

#: The shortest, commonest function words; prose cannot do without them, pasted keywords do.
GLUE_WORDS: frozenset[str] = _words(
    "the a an of to in is are and it on for as by be or at so its if that this with was not no"
)

#: Words that negate what follows them up to the end of the clause ("ridge does *not* set weights
#: to zero").
NEGATION_CUES: frozenset[str] = _words(
    """
    not no never cannot nor neither none nothing nobody fails fail unable barely hardly scarcely
    isn't doesn't don't
    didn't can't won't wouldn't shouldn't couldn't aren't wasn't weren't hasn't haven't hadn't
    isnt doesnt dont didnt cant wont wouldnt shouldnt couldnt arent wasnt werent hasnt havent
    hadnt
    """
)

#: Words that negate only the next content word ("*without* a bias", "*non*-saturating").
SHORT_NEGATION_CUES: frozenset[str] = _words("without non lack lacks lacking")

#: Two-word cues that negate only the next content word: "adds the derivatives *rather than*
#: multiplying them", "running averages *instead of* batch statistics".
SHORT_NEGATION_PAIRS: frozenset[tuple[str, str]] = frozenset(
    {("rather", "than"), ("instead", "of")}
)

#: Words after "not" that cancel the negation ("not only", "not just", "no matter how").
NEGATION_CANCELLERS: frozenset[str] = _words("only just merely necessarily matter")

#: Comparatives that turn a negation into a bound: "not more than n" means "at most n".
COMPARATIVES: frozenset[str] = _words(
    "more larger greater bigger higher exceed exceeds beyond above less fewer smaller lower below"
)

#: Words that split a clause into parts for the contrast check (see CONTRASTS) but do not end a
#: negation's reach.
PART_BREAKS: frozenset[str] = _words("and or both")

#: Words that end a negation's reach: a new clause starts after them. Not "instead": "X instead
#: of Y" is one clause (Y rejected in it, see SHORT_NEGATION_PAIRS), and "Instead, ..." starts
#: one at its comma anyway.
CLAUSE_BREAKS: frozenset[str] = _words(
    """
    but so because since whereas while although though however which unlike hence therefore
    thus then otherwise yet
    """
)

#: Content words that say little on their own; they count at reduced weight in a key point.
WEAK_WORDS: frozenset[str] = _words(
    """
    neural network model receive receives received produce produces possible full careful
    function value term number time data layer input output training whole same each many much
    all every always usually often some certain case cases become becomes set sets need needs
    needed help helps allow allows let lets keep keeps kept also very well good better best new
    first second part problem true false large shrink increase x error input output change
    """
)

#: The contrasts whose sides are what claims are made *about* (a penalty, an error term, an
#: activation, a shape of network), as opposed to words of the claims themselves. A key point
#: naming both sides says which claim goes with which side, so an answer that attaches them the
#: other way round ("L2 sets weights exactly to zero, L1 only shrinks them") contradicts it.
SUBJECT_CONTRASTS: tuple[tuple[str, str], ...] = (
    ("l1", "l2"),
    ("overfit", "underfit"),
    ("bias", "variance"),
    ("deep", "wide"),
    ("deep", "shallow"),
    ("sigmoid", "relu"),
    ("tanh", "relu"),
    ("batchnorm", "layernorm"),
)

#: Pairs of ideas that key points set against each other. A clause of the answer that names one
#: side of a pair but not the other cannot cover a key point about the other side: "ridge sets
#: weights to zero" says nothing true about lasso, although it shares most of its words with
#: "lasso sets weights to zero".
CONTRASTS: tuple[tuple[str, str], ...] = (
    *SUBJECT_CONTRASTS,
    ("large", "tiny"),
    ("increase", "shrink"),
)

SynonymGroups = Mapping[str, Sequence[str]]


def merge_synonyms(*mappings: SynonymGroups | None) -> dict[str, tuple[str, ...]]:
    """Merge synonym mappings; groups that share any phrase (case-insensitively) become one group.

    Each merged group is keyed by the first term seen for it, so the built-in names win when
    :data:`DEFAULT_SYNONYMS` is passed first; phrases keep the order they were first seen in.
    """
    groups: list[list[str]] = []  # merged groups; an emptied slot was folded into another
    owner: dict[str, int] = {}  # folded phrase -> index of its group
    for mapping in mappings or ():
        for term, variants in (mapping or {}).items():
            phrases = [term, *variants]
            found = sorted({owner[p.casefold()] for p in phrases if p.casefold() in owner})
            if found:
                target = found[0]
                for other in found[1:]:  # this group bridges older ones: fold them in
                    groups[target].extend(groups[other])
                    for phrase in groups[other]:
                        owner[phrase.casefold()] = target
                    groups[other] = []
            else:
                target = len(groups)
                groups.append([])
            for phrase in phrases:
                if phrase.casefold() not in owner:
                    groups[target].append(phrase)
                owner[phrase.casefold()] = target
    merged: dict[str, tuple[str, ...]] = {}
    for group in groups:
        if group:
            head, *rest = dict.fromkeys(group)  # drop repeats, keep order
            merged[head] = tuple(rest)
    return merged

# Reference values for tests/stats/test_omega_heywood.py: omega of a scale with a Heywood case.
#
# Run from the repository root:
#     Rscript tests/reference/omega_heywood.R
# It reads tests/reference/omega_heywood_data.csv and writes
# tests/reference/omega_heywood_expected.json. Both files are committed, so the tests do not
# need R. Produced with R 4.2.2 and psych 2.2.9 (Debian r-cran-psych).
#
# Data: the three items of the scale `benefit` of the example project (surveys/example),
# reverse-keyed as the codebook says (benefit_3 is reversed; 55% of the simulated
# respondents overlook its negation, so it hardly correlates with the other two), per wave,
# restricted to the site-waves that reach the minimum group size and to rows with at least
# one answer: the rows reliability_table fits omega to in the pipeline. The CSV is written
# by `python -m tests.stats.test_omega_heywood`; NA is a missing answer.
#
# In waves w2 and w3 the ML solution puts the uniqueness of benefit_2 at psych's lower bound
# .005 (a Heywood case). psych::fa holds it there without a warning (it warns only of an
# ultra-Heywood case, a communality above 1) and reports 1 - loading^2 = 0.0049999 as its
# uniqueness; `heywood` below is TRUE when a reported uniqueness is at the bound.

suppressPackageStartupMessages({
  library(psych)
  library(jsonlite)
})

here <- "tests/reference"
csv_path <- file.path(here, "omega_heywood_data.csv")
json_path <- file.path(here, "omega_heywood_expected.json")
lower <- 0.005  # psych::fa's default lower bound of the uniquenesses (fm = "ml")

data <- read.csv(csv_path, stringsAsFactors = FALSE)
items <- setdiff(names(data), "wave")

waves <- list()
for (w in unique(data$wave)) {
  x <- as.matrix(data[data$wave == w, items])
  r <- cor(x, use = "pairwise")
  n <- min(crossprod(!is.na(x)))  # smallest pairwise-complete count, the n of the table
  f <- psych::fa(r, nfactors = 1, fm = "ml", n.obs = n, warnings = TRUE)
  lambda <- as.vector(f$loadings)
  if (sum(lambda) < 0) lambda <- -lambda  # the sign that makes the loadings sum positive
  psi <- as.vector(f$uniquenesses)
  waves[[w]] <- list(
    n_rows = nrow(x), n = n, correlations = r[upper.tri(r)],
    loadings = lambda, uniquenesses = psi,
    omega = sum(lambda)^2 / (sum(lambda)^2 + sum(psi)),
    heywood = any(psi < lower * (1 + 1e-3)),
    objective = f$objective)
}

expected <- list(
  source = "tests/reference/omega_heywood.R",
  r_version = R.version.string,
  psych_version = as.character(packageVersion("psych")),
  scale = "benefit", items = items, lower = lower,
  call = "psych::fa(cor(x, use = 'pairwise'), nfactors = 1, fm = 'ml', n.obs = n)",
  waves = waves
)
writeLines(toJSON(expected, auto_unbox = TRUE, digits = NA, na = "null", pretty = TRUE),
           json_path)
cat("wrote", json_path, "\n")

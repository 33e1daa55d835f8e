# Reference values for tests/stats/test_mixed_profiled.py.
#
# Run from the repository root:
#     Rscript tests/reference/mixed_profiled.R
# Writes tests/reference/mixed_profiled_expected.json: the simulated data of each case (so
# that the test does not depend on R's random numbers) and, for REML = TRUE and FALSE,
#   m <- lmer(y ~ x + factor(w) + (1 | site), d, REML = ..., control = tight)
#   fixef(m), vcov(m), as.data.frame(VarCorr(m))$vcov, logLik(m), isSingular(m)
# R 4.2 with Debian's r-cran-lme4 1.1-31 (plus jsonlite to write JSON). The optimiser's
# tolerances are tightened (nloptwrap, ftol_abs = xtol_abs = 1e-14) so that lme4's estimates
# are accurate to about 1e-8.
#
#   interior: 9 sites of 3 to 20 respondents, site sd 0.6
#   many_small: 40 sites of 2 to 5 respondents, site sd 0.3
#   singular: 6 sites, no site effect, the first seed from 1 with a singular REML fit

suppressPackageStartupMessages({
  library(lme4)
  library(jsonlite)
})

here <- "tests/reference"
tight <- lmerControl(optimizer = "nloptwrap",
                     optCtrl = list(ftol_abs = 1e-14, xtol_abs = 1e-14, maxeval = 1e5))

simulate <- function(seed, sizes, site_sd) {
  set.seed(seed)
  site <- rep(seq_along(sizes), times = sizes)
  n <- length(site)
  x <- rnorm(n)
  w <- sample(c("a", "b", "c"), n, replace = TRUE)
  y <- 1 + 0.5 * x + 0.3 * (w == "b") - 0.2 * (w == "c") +
    rnorm(length(sizes), sd = site_sd)[site] + rnorm(n)
  data.frame(site = site, x = x, w = w, y = y)
}

fits <- function(d) {
  out <- list()
  for (reml in c(TRUE, FALSE)) {
    m <- lmer(y ~ x + factor(w) + (1 | site), d, REML = reml, control = tight)
    vc <- as.data.frame(VarCorr(m))
    out[[if (reml) "reml" else "ml"]] <- list(
      coefficients = unname(fixef(m)),
      vcov = unname(as.matrix(vcov(m))),
      site_variance = vc$vcov[1], residual_variance = vc$vcov[2],
      loglike = as.numeric(logLik(m)), singular = isSingular(m))
  }
  out
}

cases <- list(
  interior = simulate(11, c(3, 8, 20, 5, 12, 7, 15, 4, 9), 0.6),
  many_small = simulate(12, rep(2:5, 10), 0.3)
)
seed <- 1
repeat {
  d <- simulate(seed, c(4, 6, 5, 8, 3, 7), 0)
  m <- lmer(y ~ x + factor(w) + (1 | site), d, REML = TRUE, control = tight)
  if (isSingular(m)) break
  seed <- seed + 1
}
cases$singular <- d

result <- lapply(names(cases), function(name) {
  d <- cases[[name]]
  c(list(case = name, site = d$site, x = d$x, w = d$w, y = d$y), fits(d))
})
writeLines(toJSON(result, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path(here, "mixed_profiled_expected.json"))

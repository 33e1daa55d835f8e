# Reference values for tests/stats/test_nested.py: site and person intercepts, persons nested
# in sites.
#
# Run from the repository root:
#     Rscript tests/reference/nested.R
# It reads tests/reference/nested_data.csv (written by `python -m tests.stats.test_nested`)
# and tests/reference/stats_scores.csv (tests/reference/make_stats_data.R) and writes
# tests/reference/nested_expected.json. Both CSV files and the JSON are committed, so the
# tests do not need R. Produced with R 4.2.2 and Debian's r-cran-lme4 1.1-31 (plus
# jsonlite). The optimiser's tolerances are tightened (nloptwrap, absolute and relative
# tolerances 1e-15) so that lme4's estimates are accurate to about 1e-8: with the absolute
# tolerances alone (as in mixed_profiled.R), the relative tolerance on theta stops the
# two-parameter search early (variances off by 6e-5 relative in the interior case, its
# REML criterion 3e-9 above the minimum).
#
# cases: for each case of nested_data.csv (columns case, site, person, wave, y) and
# REML = TRUE and FALSE,
#   m <- lmer(y ~ factor(wave) + (1 | site) + (1 | site:person), d, REML = ..., control = tight)
#   fixef(m), vcov(m), as.data.frame(VarCorr(m)), logLik(m), isSingular(m), ngrps(m)
#   interior: 6 sites of 12 to 20 persons in 1 to 3 of 3 waves, site sd 0.5, person sd 0.6
#   person_boundary: 6 sites, no person effect; the REML and ML person variances are 0
#   site_boundary: 6 sites, no site effect; the REML and ML site variances are 0
# waves: for each scale of stats_scores.csv (the synthetic survey of the other reference
# tests: 8 sites, waves 1 and 2, 64 of about 110 respondents per scale in both),
#   m <- lmer(score ~ factor(wave) + (1 | site) + (1 | site:respondent), REML = TRUE)
#   fixef(m), sqrt(diag(vcov(m))), confint(m, method = "Wald"), VarCorr(m), ngrps(m)

suppressPackageStartupMessages({
  library(lme4)
  library(jsonlite)
})

here <- "tests/reference"
tight <- lmerControl(optimizer = "nloptwrap",
                     optCtrl = list(ftol_abs = 1e-15, xtol_abs = 1e-15, ftol_rel = 1e-15,
                                    xtol_rel = 1e-15, maxeval = 1e5))

variances <- function(m) {
  vc <- as.data.frame(VarCorr(m))
  list(person_variance = vc$vcov[vc$grp == "site:person" | vc$grp == "site:respondent"],
       site_variance = vc$vcov[vc$grp == "site"],
       residual_variance = vc$vcov[vc$grp == "Residual"])
}

data <- read.csv(file.path(here, "nested_data.csv"), stringsAsFactors = FALSE)
cases <- lapply(unique(data$case), function(name) {
  d <- data[data$case == name, ]
  out <- list(case = name, n = nrow(d), n_sites = length(unique(d$site)),
              n_persons = length(unique(d$person)))
  for (reml in c(TRUE, FALSE)) {
    m <- lmer(y ~ factor(wave) + (1 | site) + (1 | site:person), d, REML = reml,
              control = tight)
    out[[if (reml) "reml" else "ml"]] <- c(list(
      coefficients = unname(fixef(m)),
      vcov = unname(as.matrix(vcov(m))),
      se = unname(sqrt(diag(as.matrix(vcov(m))))),
      loglike = as.numeric(logLik(m)),
      singular = isSingular(m),
      theta = unname(getME(m, "theta")),
      ngrps = as.list(ngrps(m))), variances(m))
  }
  out
})

scores <- read.csv(file.path(here, "stats_scores.csv"), stringsAsFactors = FALSE)
waves <- lapply(sort(unique(scores$scale)), function(scale) {
  d <- scores[scores$scale == scale & !is.na(scores$score), ]
  m <- lmer(score ~ factor(wave) + (1 | site) + (1 | site:respondent), d, REML = TRUE,
            control = tight)
  ci <- confint(m, parm = "factor(wave)2", method = "Wald")
  c(list(scale = scale, n = nrow(d), n_persons = length(unique(d$respondent)),
         n_groups = length(unique(d$site)),
         estimate = unname(fixef(m)[["factor(wave)2"]]),
         se = unname(sqrt(vcov(m)[2, 2])),
         ci_low = ci[1, 1], ci_high = ci[1, 2],
         singular = isSingular(m)), variances(m))
})

expected <- list(
  source = "tests/reference/nested.R",
  r_version = R.version.string,
  lme4_version = as.character(packageVersion("lme4")),
  cases = cases,
  waves = waves
)
path <- file.path(here, "nested_expected.json")
writeLines(toJSON(expected, auto_unbox = TRUE, digits = NA, pretty = TRUE), path)
cat("wrote", path, "\n")

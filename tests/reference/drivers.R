# Reference values for tests/analysis/test_drivers.py.
#
# Run from the repository root:
#     Rscript tests/reference/drivers.R
# Reads tests/reference/stats_scores.csv (written by make_stats_data.R) and writes
# tests/reference/drivers_expected.json. R 4.2 with Debian's r-cran-lme4 and
# r-cran-performance (plus jsonlite).
#
# Wave 1, one row per respondent, complete cases, outcome and factors z-standardised with
# scale() (sd with n - 1), then
#   lmer(outcome ~ factors + (1 | site), REML = TRUE): fixef, sqrt(diag(vcov)),
#   confint(method = "Wald"), p = 2 * pnorm(-|t|), VarCorr, isSingular, and Nakagawa's
#   marginal and conditional R² (performance::r2_nakagawa; for the singular fit, where it
#   declines, by hand: var(fitted fixed effects) / (that + tau^2 + sigma^2))
#   VIF without the car package: 1 / (1 - summary(lm(f_j ~ other factors))$r.squared)
# Two models: synergy ~ network_management + trust + transparency + benefit (the site
# variance is at the boundary: a singular fit) and benefit ~ network_management + trust +
# transparency (an interior solution).

suppressPackageStartupMessages({
  library(lme4)
  library(jsonlite)
  library(performance)
})

here <- "tests/reference"
scores <- read.csv(file.path(here, "stats_scores.csv"), stringsAsFactors = FALSE)
w1 <- scores[scores$wave == 1, ]
wide <- reshape(w1[, c("respondent", "site", "scale", "score")],
                idvar = c("respondent", "site"), timevar = "scale", direction = "wide")
names(wide) <- sub("^score\\.", "", names(wide))

driver <- function(outcome, factors) {
  d <- wide[complete.cases(wide[, c(outcome, factors, "site")]), ]
  z <- as.data.frame(scale(d[, c(outcome, factors)]))
  z$site <- d$site
  f <- as.formula(paste(outcome, "~", paste(factors, collapse = " + "), "+ (1 | site)"))
  fit <- lmer(f, data = z, REML = TRUE)
  ci <- confint(fit, method = "Wald")
  est <- fixef(fit)[factors]
  se <- sqrt(diag(vcov(fit)))[-1]
  vc <- as.data.frame(VarCorr(fit))
  vif <- sapply(factors, function(j) {
    others <- setdiff(factors, j)
    r2 <- summary(lm(as.formula(paste(j, "~", paste(others, collapse = " + "))), d))$r.squared
    1 / (1 - r2)
  })
  var_f <- var(as.vector(model.matrix(fit) %*% fixef(fit)))
  tau2 <- vc$vcov[vc$grp == "site"]
  sigma2 <- vc$vcov[vc$grp == "Residual"]
  r2 <- suppressWarnings(tryCatch(r2_nakagawa(fit), error = function(e) NULL))
  by_hand <- c(var_f / (var_f + tau2 + sigma2), (var_f + tau2) / (var_f + tau2 + sigma2))
  r2m <- if (is.null(r2) || is.na(r2$R2_marginal)) by_hand[1] else unname(r2$R2_marginal)
  r2c <- if (is.null(r2) || is.na(r2$R2_conditional)) by_hand[2] else
    unname(r2$R2_conditional)
  list(outcome = outcome, factors = factors, n = nrow(d), n_groups = length(unique(d$site)),
       intercept = unname(fixef(fit)[1]), intercept_se = unname(sqrt(diag(vcov(fit)))[1]),
       r2_marginal = r2m, r2_conditional = r2c,
       r2_from = if (is.null(r2) || is.na(r2$R2_conditional)) "by hand" else "performance",
       estimate = unname(est), se = unname(se),
       ci_low = unname(ci[factors, 1]), ci_high = unname(ci[factors, 2]),
       pvalue = unname(2 * pnorm(-abs(est / se))), vif = unname(vif),
       site_variance = vc$vcov[vc$grp == "site"],
       residual_variance = vc$vcov[vc$grp == "Residual"], singular = isSingular(fit))
}

models <- list(
  driver("synergy", c("network_management", "trust", "transparency", "benefit")),
  driver("benefit", c("network_management", "trust", "transparency"))
)

write_json(list(models = models, r_version = R.version.string,
                lme4_version = as.character(packageVersion("lme4")),
                performance_version = as.character(packageVersion("performance"))),
           file.path(here, "drivers_expected.json"), auto_unbox = TRUE, digits = NA,
           pretty = TRUE)

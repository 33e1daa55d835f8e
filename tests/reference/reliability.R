# Reference values for tests/analysis/test_scales.py, tests/analysis/test_items.py and tests/analysis/test_reliability.py.
#
# Run from the repository root:
#     Rscript tests/reference/reliability.R
# It writes tests/reference/reliability_data.csv (the committed data set) and
# tests/reference/reliability_expected.json (the expected values). Both files are committed,
# so the tests do not need R. Produced with R 4.x and psych 2.2.9 (Debian r-cran-psych).
#
# Data: the five agreeableness items A1..A5 of psych::bfi (SAPA project, 1-6 agreement scale;
# A1 is reverse-keyed), first 200 rows. To exercise the missing-data paths, about 8% of the
# cells are set to NA with a fixed seed, and the 200 rows are split into four sites of 50.
# The CSV is the source of truth: everything below is computed from the CSV as re-read.

suppressPackageStartupMessages({
  library(psych)
  library(jsonlite)
})

here <- "tests/reference"
csv_path <- file.path(here, "reliability_data.csv")
json_path <- file.path(here, "reliability_expected.json")

items <- c("A1", "A2", "A3", "A4", "A5")
scale_min <- 1
scale_max <- 6

if (!file.exists(csv_path)) {
  raw <- psych::bfi[1:200, items]
  set.seed(20240501)
  holes <- matrix(runif(200 * 5) < 0.08, 200, 5)
  raw[holes] <- NA
  out <- data.frame(respondent = sprintf("r%03d", 1:200),
                    site = rep(c("s1", "s2", "s3", "s4"), each = 50),
                    raw)
  write.csv(out, csv_path, row.names = FALSE, na = "")
}

data <- read.csv(csv_path, stringsAsFactors = FALSE)
raw <- data[, items]
keyed <- raw
keyed$A1 <- scale_min + scale_max - keyed$A1  # reverse-keying: x' = min + max - x

# --- Cronbach's alpha ------------------------------------------------------------------
alpha_block <- function(x) {
  complete <- x[complete.cases(x), ]
  a_pair <- psych::alpha(x, use = "pairwise", warnings = FALSE)
  a_list <- psych::alpha(complete, warnings = FALSE)
  n_list <- nrow(complete)
  counts <- crossprod(!is.na(as.matrix(x)))
  n_pair <- min(counts)  # smallest pairwise-complete count: the n used for the pairwise CI
  k <- ncol(x)
  ci_list <- psych::alpha.ci(a_list$total$raw_alpha, n.obs = n_list, n.var = k, p.val = 0.05)
  ci_pair <- psych::alpha.ci(a_pair$total$raw_alpha, n.obs = n_pair, n.var = k, p.val = 0.05)
  list(
    listwise = list(alpha = a_list$total$raw_alpha, n = n_list,
                    ci_low = ci_list$lower.ci, ci_high = ci_list$upper.ci,
                    r_drop = unname(a_list$item.stats$r.drop),
                    alpha_drop = unname(a_list$alpha.drop$raw_alpha)),
    pairwise = list(alpha = a_pair$total$raw_alpha, n = n_pair,
                    ci_low = ci_pair$lower.ci, ci_high = ci_pair$upper.ci,
                    r_drop = unname(a_pair$item.stats$r.drop),
                    alpha_drop = unname(a_pair$alpha.drop$raw_alpha))
  )
}

# --- McDonald's omega total from a one-factor ML model ------------------------------------
omega_block <- function(r, n) {
  f <- psych::fa(r, nfactors = 1, fm = "ml", n.obs = n, warnings = FALSE)
  lambda <- as.vector(f$loadings)
  psi <- as.vector(f$uniquenesses)
  list(omega = sum(lambda)^2 / (sum(lambda)^2 + sum(psi)),
       loadings = abs(lambda), uniquenesses = psi)
}

pooled <- alpha_block(keyed)
complete <- keyed[complete.cases(keyed), ]
omega_list <- omega_block(cor(complete), nrow(complete))
omega_pair <- omega_block(cor(keyed, use = "pairwise"), pooled$pairwise$n)
# Cross-check with psych::omega: its omega.tot puts the observed total variance sum(R) in the
# denominator instead of the model-implied (sum lambda)^2 + sum psi, so it differs slightly
# (here in the fourth decimal); kept in the JSON for information.
om_check <- suppressWarnings(suppressMessages(
  psych::omega(cor(complete), nfactors = 1, fm = "ml", n.obs = nrow(complete), plot = FALSE)))
omega_list$psych_omega_tot <- om_check$omega.tot
pooled$listwise$omega <- omega_list
pooled$pairwise$omega <- omega_pair

sites <- list()
for (s in unique(data$site)) {
  sites[[s]] <- alpha_block(keyed[data$site == s, ])
}

# --- item statistics on the answers as given (A1 not reversed) -------------------------
item_stats <- lapply(items, function(i) {
  v <- raw[[i]]
  list(item = i, n = sum(!is.na(v)), mean = mean(v, na.rm = TRUE), sd = sd(v, na.rm = TRUE),
       floor = mean(v[!is.na(v)] == scale_min), ceiling = mean(v[!is.na(v)] == scale_max),
       missing = mean(is.na(v)))
})

# --- scale scores: mean of the valid keyed items when at least 2/3 of them are valid ------
# psych::scoreItems(impute = "none") gives the mean of the available (keyed) items; the
# two-thirds rule is applied on top of it.
sc <- psych::scoreItems(list(agree = c("-A1", "A2", "A3", "A4", "A5")), raw,
                        impute = "none", min = scale_min, max = scale_max)
n_valid <- rowSums(!is.na(raw))
score <- ifelse(n_valid / 5 >= 2 / 3, as.vector(sc$scores[, 1]), NA)

expected <- list(
  source = "tests/reference/reliability.R",
  r_version = R.version.string,
  psych_version = as.character(packageVersion("psych")),
  items = items, reverse = "A1", scale_min = scale_min, scale_max = scale_max,
  pooled = pooled,
  sites = sites,
  item_stats = item_stats,
  scores = list(respondent = data$respondent, n_valid = unname(n_valid), score = score)
)
writeLines(toJSON(expected, auto_unbox = TRUE, digits = NA, na = "null", pretty = TRUE),
           json_path)
cat("wrote", json_path, "\n")

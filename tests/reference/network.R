# Reference values for tests/network/test_network.py, computed with igraph.
# Run from the repository root:  Rscript tests/reference/network.R [output.json]
# Reads network_nodes.csv and network_edges.csv beside this script and writes
# network_expected.json (committed). Tested with R 4.x and igraph 1.3.5 (Debian r-cran-igraph).
suppressPackageStartupMessages({
  library(igraph)
  library(jsonlite)
})
here <- "tests/reference"
args <- commandArgs(trailingOnly = TRUE)  # optional: where to write the JSON
out_file <- if (length(args)) args[1] else file.path(here, "network_expected.json")
nodes <- read.csv(file.path(here, "network_nodes.csv"), stringsAsFactors = FALSE)
edges <- read.csv(file.path(here, "network_edges.csv"), stringsAsFactors = FALSE)
out <- list(igraph_version = as.character(packageVersion("igraph")))
for (name in unique(nodes$graph)) {
  v <- nodes[nodes$graph == name, "organisation"]
  e <- edges[edges$graph == name, c("ego", "alter")]
  g <- graph_from_data_frame(e, directed = TRUE, vertices = data.frame(name = v))
  bw <- betweenness(g, directed = TRUE, normalized = TRUE)
  out[[name]] <- list(
    n = vcount(g),
    m = ecount(g),
    density = edge_density(g, loops = FALSE),
    reciprocity = reciprocity(g, mode = "default"),
    # Freeman on total degree; loops = FALSE gives the theoretical maximum 2(n-1)(n-2)
    centralisation = centr_degree(g, mode = "all", loops = FALSE,
                                  normalized = TRUE)$centralization,
    # igraph's default (loops = TRUE) divides by 2(n-1)^2 instead
    centralisation_loops_default = centr_degree(g, mode = "all",
                                                normalized = TRUE)$centralization,
    betweenness = as.list(bw[order(names(bw))]),
    components = components(g, mode = "weak")$no,
    isolates = sum(degree(g, mode = "all") == 0)
  )
}
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           out_file)

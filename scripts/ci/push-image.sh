#!/usr/bin/env bash
# Builds and pushes one app image to ECR, once per commit. Run by buildspec.yml:
#   bash scripts/ci/push-image.sh <repository-uri> <tag> <dockerfile> [docker build args...]
#
# The repositories are IMMUTABLE and tagged with the commit, and two builds of one commit are not byte-identical,
# so pushing again (a retried build, or a "release change" of an old commit to roll back) would fail. When the tag
# is already in the repository, that image is the one that was tested and deployed for this commit: keep it, and
# build nothing. Any other answer from ECR (no access, throttling, network) fails the build rather than guessing.
set -euo pipefail

repo=${1:?repository uri}
tag=${2:?image tag}
dockerfile=${3:?dockerfile}
shift 3
name=${repo#*/} # <account>.dkr.ecr.<region>.amazonaws.com/<name> -> <name>

if out=$(aws ecr describe-images --repository-name "$name" --image-ids imageTag="$tag" --query 'imageDetails[0].imageDigest' --output text 2>&1); then
  echo "$repo:$tag is already in ECR ($out): keeping it, nothing to build or push"
  exit 0
elif ! grep -q ImageNotFoundException <<<"$out"; then
  echo "could not tell whether $repo:$tag exists: $out" >&2
  exit 1
fi

docker build "$@" -f "$dockerfile" -t "$repo:$tag" .
docker push "$repo:$tag"

#!/usr/bin/env bash
# Before a deploy: deletes this environment's stacks that are in ROLLBACK_COMPLETE. That state only follows a
# failed *creation* (a first deploy that hit, say, a missing service-linked role or an unvalidated certificate);
# CloudFormation can neither update nor re-create such a stack, so every later run would fail at the same action.
# The stack holds nothing but resources kept by their DeletionPolicy, so deleting it loses nothing.
# Any other state is left alone: a stack whose *update* failed keeps its resources and needs a person.
#   bash scripts/ci/clear-failed-stacks.sh <EnvName> <stack>...
set -euo pipefail
env=${1:?EnvName}
shift
for stack in "$@"; do
  name="photoreel-$env-$stack"
  if ! status=$(aws cloudformation describe-stacks --stack-name "$name" --query 'Stacks[0].StackStatus' --output text 2>&1); then
    if grep -q "does not exist" <<<"$status"; then continue; fi
    echo "could not read the state of $name: $status" >&2
    exit 1
  fi
  if [ "$status" = ROLLBACK_COMPLETE ]; then
    echo "$name is in ROLLBACK_COMPLETE (its creation failed): deleting it so this run can create it again"
    aws cloudformation delete-stack --stack-name "$name"
    aws cloudformation wait stack-delete-complete --stack-name "$name"
  fi
done

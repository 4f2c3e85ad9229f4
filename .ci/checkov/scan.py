"""checkov's own command line, with its Terraform-JSON files parsed by libyaml.

checkov 3.3.30 reads every cdk.tf.json as YAML through PyYAML's pure-Python SafeLoader
(checkov/common/parsers/yaml/loader.py, SafeLineLoader): for prod's 70 stacks that was about
a third of the synthesized scan. Its plan parser already uses PyYAML's C parser
(checkov/cloudformation/parser/cfn_yaml.py). Here the JSON files get the same: checkov's own
loader class, its constructor and its line marks, with libyaml's parser under it. Everything
else, every check and the graph, is checkov's, unchanged.

It fails closed: it refuses to run if checkov's loader is not the one this was written against,
or if the two parsers build different documents for the canary (canary.json beside this file,
every JSON spelling cdktf writes) or for the smallest file of the scan.
Usage: scan.py <checkov arguments>
"""
import glob
import os
import sys
import warnings

import yaml
from yaml.constructor import SafeConstructor
from yaml.cyaml import CParser
from yaml.resolver import Resolver

from checkov.common.parsers.yaml import loader
from checkov.main import Checkov

# What checkov 3.3.30's SafeLineLoader adds to SafeLoader: a different class is not replaced.
KNOWN_OVERRIDES = {'construct_mapping', 'bool_values'}


def refuse(why):
    sys.exit(f'checkov scan: {why}; run checkov without this wrapper or update it (.ci/checkov/scan.py)')


class CSafeLineLoader(CParser, loader.SafeLineLoader):
    """checkov's SafeLineLoader on libyaml: CParser replaces the Reader, Scanner, Parser and Composer."""

    def __init__(self, stream):
        CParser.__init__(self, stream)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)


def parsed(path, loader_class):
    with open(path, encoding='utf-8') as f:
        return list(yaml.load_all(f.read(), Loader=loader_class))


def scanned_files(args):
    """The .json files under each -d folder and each -f file of checkov's arguments."""
    files = []
    for flag, value in zip(args, args[1:]):
        if flag in ('-d', '--directory'):
            files += glob.glob(os.path.join(value, '**', '*.json'), recursive=True)
        elif flag in ('-f', '--file') and value.endswith('.json'):
            files.append(value)
    return files


def check_equivalence(args):
    own = {k for k in vars(loader.SafeLineLoader) if not k.startswith('__')}
    if own != KNOWN_OVERRIDES or loader.SafeLineLoader.__bases__ != (yaml.SafeLoader,):
        refuse(f'checkov\'s SafeLineLoader is not the one this wrapper knows (it defines {sorted(own)})')
    if not yaml.__with_libyaml__:
        refuse('this PyYAML is built without libyaml')
    canaries = [os.path.join(os.path.dirname(os.path.abspath(__file__)), 'canary.json')]
    files = scanned_files(args)
    if files:
        canaries.append(min(files, key=os.path.getsize))
    for path in canaries:
        if parsed(path, CSafeLineLoader) != parsed(path, loader.SafeLineLoader):
            refuse(f'libyaml and PyYAML read {path} differently')


def main():
    args = sys.argv[1:]
    check_equivalence(args)
    # checkov's loads() looks the class up in its module at each call.
    loader.SafeLineLoader = CSafeLineLoader
    with warnings.catch_warnings():
        # As checkov's own console script does.
        warnings.simplefilter('ignore', category=SyntaxWarning)
        sys.argv = ['checkov', *args]
        return Checkov().run()


if __name__ == '__main__':
    sys.exit(main())

from approdo.governance.demo_institutions import create_institutions_demo
from approdo.governance.demo_sai import create_sai_demo


def create_demo_data() -> str:
    """The SAI network first: pipeline entries and meetings refer to its territories."""
    return "\n".join(line for line in [create_sai_demo(), create_institutions_demo()] if line)

#!/usr/bin/env python
from approdo.__main__ import main

if __name__ == "__main__":
    main()

/* The tool's version and home, shown by --version and in SARIF logs. */
#ifndef XENSHM_VERSION_H
#define XENSHM_VERSION_H
#define XENSHM_VERSION "0.1.0"
#define XENSHM_URL "https://github.com/xenshm-compose/xenshm-compose"
#endif

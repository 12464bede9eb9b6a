#!/bin/sh
echo hello > /tmp/hi

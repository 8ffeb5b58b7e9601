# A small project whose names, descriptions and reasons are full of Markdown
# and Mermaid syntax, with suppressions in force, expired and invalid.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }
}

# soc2lint: ignore[ENC003] reason="public | assets `cdn` <b>bold</b> *not* _italic_" expires=2099-12-31
resource "aws_s3_bucket" "public_assets" {
  bucket = "acme-assets"
}

# soc2lint: ignore[BAK005] reason="exception that ran out" expires=2020-01-01
resource "aws_s3_bucket" "old" {
  bucket = "acme-old"
}

# soc2lint: ignore[LOG011]
resource "aws_s3_bucket" "no_reason" {
  bucket = "acme-no-reason"
}

resource "aws_s3_bucket" "keyed" {
  for_each = toset(["a|b", "x`y<z>"])
  bucket   = "acme-keyed-${md5(each.key)}"
}

resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.0.0/24"
  availability_zone = "eu-west-1a"
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_security_group" "web" {
  name        = "web|`sg`"
  description = "web servers"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "HTTPS from the \"internet\" | <all> `users` # [x]\nsecond line"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_instance" "web" {
  for_each               = toset(["a|b", "c\"d", "e<f>`g`"])
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.public.id
  vpc_security_group_ids = [aws_security_group.web.id]
}

resource "aws_iam_role" "app" {
  name = "app|role"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}
